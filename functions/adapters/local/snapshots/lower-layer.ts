import { constants, lstatSync, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { unlessMissing } from './durable-files.ts';

/** An entry of the image, the read-only layer under every sandbox. */
export interface LowerEntry {
  stats: Stats;
  /** Another file system mounted here: inside a sandbox an empty folder. */
  mountPoint: boolean;
}

/**
 * The host's root as a sandbox's overlay sees it: the root file system
 * only, without what is mounted on it (overlayfs does not cross mounts),
 * and never the platform's data directory. Read live: the image is the
 * host's, not part of any snapshot.
 */
export class LowerLayer {
  private readonly rootDevice = lstatSync('/').dev;

  constructor(private readonly hidden: readonly string[]) {}

  isHidden(path: string): boolean {
    return this.hidden.some(
      (dir) => path === dir || path.startsWith(`${dir}/`),
    );
  }

  /** The entry at `path`, whose parents were looked up before. */
  async lookup(path: string): Promise<LowerEntry | undefined> {
    if (this.isHidden(path)) return undefined;
    const stats = await unlessMissing(lstat(path));
    if (!stats) return undefined;

    const mountPoint = stats.dev !== this.rootDevice;
    if (mountPoint && !stats.isDirectory()) return undefined;
    return { stats, mountPoint };
  }

  async list(path: string): Promise<Array<[string, LowerEntry]>> {
    const names = (await unlessMissing(readdir(path))) ?? [];
    const entries = await Promise.all(
      names.map(async (name) => {
        const entry = await this.lookup(
          path === '/' ? `/${name}` : `${path}/${name}`,
        );
        return entry && ([name, entry] as [string, LowerEntry]);
      }),
    );
    return entries.filter((entry) => entry !== undefined);
  }

  readlink(path: string): Promise<string> {
    return readlink(path);
  }

  async stream(path: string): Promise<ReadableStream<Uint8Array>> {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    return Readable.toWeb(
      handle.createReadStream(),
    ) as ReadableStream<Uint8Array>;
  }
}
