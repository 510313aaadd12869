import { spawn } from 'node:child_process';
import { PERL } from '../perl-programs.ts';
import { HOST_ENV } from '../sandbox-layout.ts';
import { applyMetadataProgram } from './metadata-programs.ts';
import { MetadataServer } from './metadata-server.ts';

/** One step of setting an entry's metadata; paths are host paths. */
export type MetadataOp =
  | { kind: 'mknod'; path: string; mode: number; rdev: number }
  | { kind: 'chown'; path: string; uid: number; gid: number }
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'setxattr'; path: string; name: string; value: string }
  | { kind: 'removexattr'; path: string; name: string }
  | { kind: 'mtime'; path: string; ns: string };

const NS_PER_SECOND = 1_000_000_000n;

// Kept for the process's life: see MetadataServer.
const server = new MetadataServer();

/** xattrs (name -> base64) of each path, `undefined` where it has none. */
export async function readXattrs(
  paths: readonly string[],
): Promise<Array<Record<string, string> | undefined>> {
  if (paths.length === 0) return [];

  const input = ['x', String(paths.length), ...paths]
    .map((field) => `${field}\0`)
    .join('');
  const lines = await server.request(input, paths.length);

  return lines.map((line, index) => {
    if (line.startsWith('!')) {
      throw new Error(
        `cannot read xattrs of ${paths[index]}: ${line.slice(1)}`,
      );
    }
    if (line === '') return undefined;
    const pairs = line.split(' ').map((pair) => {
      const [name = '', value = ''] = pair.split(':');
      const text = Buffer.from(name, 'hex').toString('utf8');
      return [text, Buffer.from(value, 'hex').toString('base64')];
    });
    return Object.fromEntries(pairs);
  });
}

/**
 * syncfs(2): flushes everything written to the file system holding
 * `path`; a write-back error fails it.
 */
export async function syncFileSystem(path: string): Promise<void> {
  const [answer] = await server.request(`s\0${path}\0`, 1);
  if (answer !== 'ok') throw new Error(`syncfs ${path}: ${answer?.slice(1)}`);
}

/**
 * Applies the operations in order in one perl process. Returns how many
 * xattrs the file system refused as unsupported, which is not an error.
 */
export async function applyMetadata(
  ops: readonly MetadataOp[],
): Promise<{ unsupportedXattrs: number }> {
  if (ops.length === 0) return { unsupportedXattrs: 0 };

  const fields = ops.flatMap(fieldsOf);
  const output = await runPerl(
    applyMetadataProgram(),
    fields.map((field) => `${field}\0`).join(''),
  );
  return { unsupportedXattrs: Number.parseInt(output, 10) || 0 };
}

function fieldsOf(op: MetadataOp): string[] {
  switch (op.kind) {
    case 'mknod':
      return ['n', op.path, String(op.mode), String(op.rdev)];
    case 'chown':
      return ['o', op.path, String(op.uid), String(op.gid)];
    case 'chmod':
      return ['m', op.path, String(op.mode)];
    case 'setxattr': {
      const hex = Buffer.from(op.value, 'base64').toString('hex');
      return ['x', op.path, op.name, hex];
    }
    case 'removexattr':
      return ['r', op.path, op.name];
    case 'mtime': {
      const ns = BigInt(op.ns);
      const seconds = ns / NS_PER_SECOND - (ns % NS_PER_SECOND < 0n ? 1n : 0n);
      const rest = ns - seconds * NS_PER_SECOND;
      return ['t', op.path, String(seconds), String(rest)];
    }
    default: {
      const never: never = op;
      throw new Error(`unknown metadata operation ${JSON.stringify(never)}`);
    }
  }
}

function runPerl(program: string, input: string): Promise<string> {
  const child = spawn(PERL, ['-e', program], {
    env: HOST_ENV,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // A program that dies early closes its stdin; its stderr tells why.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      const reason = Buffer.concat(stderr).toString('utf8').trim();
      reject(new Error(`metadata program failed: ${reason || code}`));
    });
  });
}
