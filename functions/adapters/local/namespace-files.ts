import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import {
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../domain/errors.ts';
import type {
  FileEntry,
  SandboxFiles,
} from '../../../domain/ports/sandbox-runtime.ts';
import { killGroup } from './captured-process.ts';
import {
  LIST_FORMAT,
  parseListing,
  parseStat,
  STAT_FORMAT,
} from './file-entry.ts';
import { captureChild, type SandboxSpawner } from './sandbox-launcher.ts';
import { assertSandboxPath, sandboxEnv } from './sandbox-layout.ts';
import { pipeLimited } from './upload.ts';

// Exit code the stat scripts use for "no such path".
const MISSING = 3;

// Constant scripts: the path only ever arrives as "$1".
const STAT_SCRIPT = {
  own: `[ -e "$1" ] || [ -L "$1" ] || exit ${MISSING}; exec stat -c '${STAT_FORMAT}' -- "$1"`,
  followed: `[ -e "$1" ] || exit ${MISSING}; exec stat -L -c '${STAT_FORMAT}' -- "$1"`,
};
const WRITE_SCRIPT = 'mkdir -p -- "$1" && cat > "$2" && mv -fT -- "$2" "$3"';

/**
 * Files of sandboxes that have a root of their own (namespaces locally,
 * a chroot in the agent on AWS). Every operation runs inside the sandbox
 * with its own tools, so `..` and symlinks resolve against the sandbox's
 * root and never the host's.
 */
export class NamespaceFiles implements SandboxFiles {
  constructor(private readonly spawnIn: SandboxSpawner) {}

  stat(sandboxId: string, path: string): Promise<FileEntry> {
    return this.statPath(sandboxId, path, 'own');
  }

  async list(sandboxId: string, path: string): Promise<FileEntry[]> {
    const dir = await this.statPath(sandboxId, path, 'followed');
    if (dir.type !== 'directory') {
      throw new ValidationError(`${path} is not a directory`);
    }

    const argv = ['find', '-H', path, '-mindepth', '1', '-maxdepth', '1'];
    const listed = await this.run(sandboxId, [...argv, '-printf', LIST_FORMAT]);
    if (listed.code !== 0) {
      throw new Error(`cannot list ${path}: ${listed.stderr}`);
    }
    return parseListing(path, listed.stdout);
  }

  async read(
    sandboxId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    const file = await this.statPath(sandboxId, path, 'followed');
    if (file.type === 'directory') {
      throw new ValidationError(`${path} is a directory`);
    }

    const child = this.spawn(sandboxId, ['cat', '--', path], 'ignore');
    const body = new PassThrough();
    const stderr: Buffer[] = [];
    child.stdout?.pipe(body, { end: false });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

    // A reader that stops early must not leave cat blocked on the pipe.
    body.once('close', () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child.pid);
      }
    });
    child.once('error', (error) => body.destroy(error));
    child.once('close', (code) => {
      if (code === 0) return body.end();
      const reason = Buffer.concat(stderr).toString().trim();
      body.destroy(new Error(`cannot read ${path}: ${reason}`));
    });
    return Readable.toWeb(body) as ReadableStream<Uint8Array>;
  }

  async write(
    sandboxId: string,
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry> {
    assertSandboxPath(path);
    const existing = await this.statPath(sandboxId, path, 'followed').catch(
      (error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      },
    );
    if (existing?.type === 'directory') {
      throw new ValidationError(`${path} is a directory`);
    }

    // Write beside the file and rename, so a failed upload leaves the old
    // content in place rather than half a file.
    const dir = posix.dirname(path);
    const partial = posix.join(dir, `.auteryn-upload-${randomUUID()}`);
    const argv = ['sh', '-c', WRITE_SCRIPT, 'write', dir, partial, path];
    const child = this.spawn(sandboxId, argv, 'pipe');

    const outcome = await pipeLimited(body, child, maxBytes).catch(
      async (error: unknown) => {
        await this.run(sandboxId, ['rm', '-f', '--', partial]);
        throw error;
      },
    );
    if (outcome.kind === 'written' && outcome.code === 0) {
      return this.statPath(sandboxId, path, 'followed');
    }

    await this.run(sandboxId, ['rm', '-f', '--', partial]);
    if (outcome.kind === 'too-large') {
      throw new PayloadTooLargeError(
        `${path} is larger than ${maxBytes} bytes`,
      );
    }
    throw new ValidationError(`cannot write ${path}: ${outcome.stderr}`);
  }

  async remove(sandboxId: string, path: string): Promise<void> {
    assertSandboxPath(path);
    if (posix.normalize(path) === '/') {
      throw new ValidationError('refusing to remove /');
    }
    await this.statPath(sandboxId, path, 'own');

    const removed = await this.run(sandboxId, ['rm', '-rf', '--', path]);
    if (removed.code !== 0) {
      throw new ValidationError(`cannot remove ${path}: ${removed.stderr}`);
    }
  }

  /** `own` describes a symlink itself; `followed` what it points to. */
  private async statPath(
    sandboxId: string,
    path: string,
    which: keyof typeof STAT_SCRIPT,
  ): Promise<FileEntry> {
    assertSandboxPath(path);
    const argv = ['sh', '-c', STAT_SCRIPT[which], 'stat', path];
    const result = await this.run(sandboxId, argv);

    if (result.code === MISSING) throw new NotFoundError(`${path} not found`);
    if (result.code !== 0) {
      throw new Error(`cannot stat ${path}: ${result.stderr}`);
    }
    return parseStat(path, result.stdout.toString('utf8'));
  }

  private async run(sandboxId: string, argv: string[]) {
    return captureChild(this.spawn(sandboxId, argv, 'ignore'));
  }

  private spawn(sandboxId: string, argv: string[], stdin: 'ignore' | 'pipe') {
    const launch = { argv, cwd: '/', env: sandboxEnv(sandboxId) };
    return this.spawnIn(sandboxId, launch, stdin);
  }
}
