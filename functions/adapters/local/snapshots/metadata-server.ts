import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { PERL } from '../perl-programs.ts';
import { HOST_ENV } from '../sandbox-layout.ts';
import { metadataServerProgram } from './metadata-programs.ts';

interface Handle {
  ref(): void;
  unref(): void;
}

interface Pending {
  lines: number;
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
}

/**
 * A perl process serving the system calls of a capture that node lacks
 * (see metadataServerProgram), kept from one capture to the next: a new
 * process costs a fork of the whole platform, more than the calls. It
 * answers one request at a time; a request that finds it busy gets a
 * process of its own, so one sandbox's flush never holds up another's
 * capture. Unreferenced while idle, so that it never keeps node running;
 * it exits when its stdin closes, with node.
 */
export class MetadataServer {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Pending | undefined;
  private output = '';
  private errors = '';

  /** Sends `input` and resolves with the `lines` lines it answers. */
  async request(input: string, lines: number): Promise<string[]> {
    if (this.pending) return requestOnce(input, lines);
    const child = this.child ?? this.start();
    this.hold(true);
    try {
      return await new Promise<string[]>((resolve, reject) => {
        this.pending = { lines, resolve, reject };
        child.stdin.write(input);
      });
    } finally {
      this.pending = undefined;
      this.hold(false);
    }
  }

  /** Lets the process exit once it has answered. */
  close(): void {
    this.child?.stdin.end();
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(PERL, ['-e', metadataServerProgram()], {
      env: HOST_ENV,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    this.errors = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.received(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.errors += chunk.toString('utf8');
    });
    // A dead server closes its stdin; its exit tells why.
    child.stdin.on('error', () => undefined);
    child.once('error', (error) => this.ended(error.message));
    child.once('exit', (code) => this.ended(this.errors.trim() || `${code}`));
    return child;
  }

  private received(chunk: string): void {
    this.output += chunk;
    const pending = this.pending;
    if (!pending) return;
    const lines = this.output.split('\n');
    if (lines.length <= pending.lines) return;
    this.output = lines.slice(pending.lines).join('\n');
    pending.resolve(lines.slice(0, pending.lines));
  }

  private ended(reason: string): void {
    this.child = undefined;
    this.pending?.reject(new Error(`metadata program failed: ${reason}`));
  }

  /** Keeps node running while a request is out, not while idle. */
  private hold(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    const handles = [child, child.stdin, child.stdout, child.stderr];
    for (const handle of handles as unknown as Handle[]) {
      if (busy) handle.ref();
      else handle.unref();
    }
  }
}

/** One request to a server of its own, which ends after it. */
function requestOnce(input: string, lines: number): Promise<string[]> {
  const server = new MetadataServer();
  const answer = server.request(input, lines);
  server.close();
  return answer;
}
