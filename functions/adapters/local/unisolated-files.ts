import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import {
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../domain/errors.ts';
import type {
  FileEntry,
  SandboxFiles,
} from '../../../domain/ports/sandbox-runtime.ts';
import { entryFromStats } from './file-entry.ts';
import { assertSandboxPath } from './sandbox-layout.ts';

/**
 * Files of unisolated sandboxes: a sandbox path maps below the sandbox's
 * root folder on the host, and every real path is checked to stay there.
 */
export class UnisolatedFiles implements SandboxFiles {
  constructor(private readonly rootOf: (sandboxId: string) => string) {}

  async stat(sandboxId: string, path: string): Promise<FileEntry> {
    const hostPath = await this.resolve(sandboxId, path, 'own');
    return entryFromStats(path, await lstat(hostPath));
  }

  async list(sandboxId: string, path: string): Promise<FileEntry[]> {
    const dir = await this.resolve(sandboxId, path, 'followed');
    if (!(await stat(dir)).isDirectory()) {
      throw new ValidationError(`${path} is not a directory`);
    }

    const names = (await readdir(dir)).sort();
    return Promise.all(
      names.map(async (name) =>
        entryFromStats(posix.join(path, name), await lstat(join(dir, name))),
      ),
    );
  }

  async read(
    sandboxId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    const file = await this.resolve(sandboxId, path, 'followed');
    if ((await stat(file)).isDirectory()) {
      throw new ValidationError(`${path} is a directory`);
    }
    return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  }

  async write(
    sandboxId: string,
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry> {
    const target = await this.creatable(sandboxId, path);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new ValidationError(`${path} is a directory`);
    }

    const partial = join(dirname(target), `.auteryn-upload-${randomUUID()}`);
    const handle = await open(partial, 'w');
    try {
      let total = 0;
      for await (const chunk of body) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          throw new PayloadTooLargeError(
            `${path} is larger than ${maxBytes} bytes`,
          );
        }
        await handle.write(chunk);
      }
      await handle.close();
      await rename(partial, target);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
    return entryFromStats(path, await stat(target));
  }

  async remove(sandboxId: string, path: string): Promise<void> {
    assertSandboxPath(path);
    if (posix.resolve('/', path) === '/') {
      throw new ValidationError('refusing to remove /');
    }

    const hostPath = await this.resolve(sandboxId, path, 'own');
    await rm(hostPath, { recursive: true, force: true });
  }

  /** Host path of an existing sandbox path; `own` keeps a final symlink. */
  private async resolve(
    sandboxId: string,
    path: string,
    which: 'own' | 'followed',
  ): Promise<string> {
    assertSandboxPath(path);
    const root = await realpath(this.rootOf(sandboxId));
    const mapped = join(root, posix.resolve('/', path));

    try {
      const real =
        which === 'followed'
          ? await realpath(mapped)
          : join(await realpath(dirname(mapped)), basename(mapped));
      await lstat(real);
      if (!isInside(root, real)) throw new Error('outside the root');
      return real;
    } catch {
      throw new NotFoundError(`${path} not found`);
    }
  }

  /** Host path for a new file: makes its folders, inside the root only. */
  private async creatable(sandboxId: string, path: string): Promise<string> {
    assertSandboxPath(path);
    const root = await realpath(this.rootOf(sandboxId));
    const mapped = join(root, posix.resolve('/', path));
    if (mapped === root) throw new ValidationError('/ is a directory');

    let existing = dirname(mapped);
    while (!(await lstat(existing).catch(() => undefined))) {
      existing = dirname(existing);
    }
    if (!isInside(root, await realpath(existing))) {
      throw new ValidationError(`${path} is outside the sandbox`);
    }

    await mkdir(dirname(mapped), { recursive: true });
    const parent = await realpath(dirname(mapped));
    if (!isInside(root, parent)) {
      throw new ValidationError(`${path} is outside the sandbox`);
    }
    return join(parent, basename(mapped));
  }
}

const isInside = (root: string, path: string) =>
  path === root || path.startsWith(`${root}/`);
