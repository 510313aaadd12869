import { execFile } from 'node:child_process';
import { constants, createReadStream, type Dirent, existsSync } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  unlink,
} from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../domain/errors.ts';
import {
  compareObjectKeys,
  type ObjectStore,
  type PutObjectOptions,
  type StoredObject,
} from '../../../domain/ports/object-store.ts';
import { isReachableKey, keySegments, TEMP_FOLDER } from './object-keys.ts';
import { writeTempObject } from './temp-object-file.ts';

const FOLDER_MODE = 0o700;

/**
 * Objects as files below one absolute directory: key `a/b/c` is the file
 * `<root>/a/b/c`. A put writes `<root>/.tmp/<uuid>.part`, flushes it and
 * renames it into place, so a reader sees the old object or the whole
 * new one, and a put that fails leaves nothing. Keys that could name
 * anything outside the root are refused, and no symbolic link below the
 * root is followed: a package from elsewhere cannot reach host files.
 *
 * Objects carry no etag (a size and mtime would say less than the
 * digests a manifest holds). A put killed with the process leaves its
 * `.part` file in `.tmp/`, which is never listed.
 */
export class DirectoryObjectStore implements ObjectStore {
  readonly location: string;
  /** Folders this store made or found to be real folders, not links. */
  private readonly checked = new Set<string>();

  constructor(root: string) {
    if (!isAbsolute(root)) {
      throw new ValidationError(`an object directory is absolute: ${root}`);
    }
    this.location = resolve(root);
  }

  async put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    options: PutObjectOptions = {},
  ): Promise<StoredObject> {
    const segments = keySegments(key);
    const temp = await this.folder([TEMP_FOLDER], key);

    const written = await writeTempObject(temp, key, body, options);

    try {
      const parent = await this.folder(segments.slice(0, -1), key);
      await rename(written.path, join(parent, segments.at(-1) as string));
      if (options.durable !== false) await syncFolder(parent);
    } catch (error) {
      await rm(written.path, { force: true });
      if (isCode(error, 'EISDIR', 'ENOTEMPTY', 'EEXIST')) {
        throw new ConflictError(`put ${key}: a folder of objects is there`);
      }
      throw error;
    }
    return { key, size: written.size };
  }

  /** One syncfs(2) of the store's file system (coreutils `sync -f`). */
  async flush(): Promise<void> {
    // Nothing was put yet: nothing to make durable.
    if (!existsSync(this.location)) return;
    await new Promise<void>((done, fail) => {
      execFile('sync', ['-f', this.location], (error) =>
        error ? fail(error) : done(),
      );
    });
  }

  async get(key: string): Promise<ReadableStream<Uint8Array>> {
    const path = await this.existingPath(key);
    const file = path
      ? await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
          (error: unknown) => missingAs(error, undefined),
        )
      : undefined;
    if (!file) throw new NotFoundError(`object ${key} not found`);

    if (!(await file.stat()).isFile()) {
      await file.close();
      throw new NotFoundError(`object ${key} not found`);
    }
    const stream = createReadStream('', { fd: file });
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const path = await this.existingPath(key);
    const info = path ? await lstatOrUndefined(path) : undefined;
    return info?.isFile() ? { key, size: info.size } : undefined;
  }

  async list(prefix = ''): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    await this.walk(this.location, '', prefix, found);
    return found.sort((a, b) => compareObjectKeys(a.key, b.key));
  }

  async delete(key: string): Promise<void> {
    const path = await this.existingPath(key);
    if (!path) return;
    await unlink(path).catch((error: unknown) => {
      // A folder where the key points holds no object of that key.
      if (!isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM')) throw error;
    });
  }

  /**
   * The file path of `key` when every folder on its way is a real folder
   * (no symbolic link, no file); undefined when one is not.
   */
  private async existingPath(key: string): Promise<string | undefined> {
    const segments = keySegments(key);
    let path = this.location;

    for (const segment of segments.slice(0, -1)) {
      path = join(path, segment);
      const info = await lstatOrUndefined(path);
      if (!info?.isDirectory()) return undefined;
    }
    return join(path, segments.at(-1) as string);
  }

  /** Makes the folders below the root as needed, following no links. */
  private async folder(segments: string[], key: string): Promise<string> {
    const wanted = join(this.location, ...segments);
    // Checked once by this store: a package of thousands of objects in
    // one folder pays for the checks once, not per object.
    if (this.checked.has(wanted)) return wanted;

    await mkdir(this.location, { recursive: true, mode: FOLDER_MODE });
    let path = this.location;

    for (const segment of segments) {
      path = join(path, segment);
      if (this.checked.has(path)) continue;
      await mkdir(path, { mode: FOLDER_MODE }).catch((error: unknown) => {
        if (!isCode(error, 'EEXIST')) throw error;
      });
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        throw new ValidationError(`put ${key}: ${path} is a symbolic link`);
      }
      if (!info.isDirectory()) {
        throw new ConflictError(`put ${key}: ${path} is an object`);
      }
      this.checked.add(path);
    }
    return path;
  }

  /** Collects the files below `folder` that can hold keys of `prefix`. */
  private async walk(
    folder: string,
    keyOfFolder: string,
    prefix: string,
    found: StoredObject[],
  ): Promise<void> {
    const entries: Dirent[] = await readdir(folder, {
      withFileTypes: true,
    }).catch((error: unknown) => missingAs(error, []));

    for (const entry of entries) {
      if (keyOfFolder === '' && entry.name === TEMP_FOLDER) continue;
      const key = keyOfFolder + entry.name;
      const path = join(folder, entry.name);

      if (entry.isDirectory()) {
        const below = `${key}/`;
        if (below.startsWith(prefix) || prefix.startsWith(below)) {
          await this.walk(path, below, prefix, found);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await lstatOrUndefined(path);
        if (info?.isFile() && isReachableKey(key)) {
          found.push({ key, size: info.size });
        }
      }
    }
  }
}

/** Flushes a folder, so that a rename into it survives a power cut. */
async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function lstatOrUndefined(path: string) {
  return lstat(path).catch((error: unknown) => missingAs(error, undefined));
}

/** `value` when the error says the path is not there; else rethrows. */
function missingAs<T>(error: unknown, value: T): T {
  if (isCode(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) return value;
  throw error;
}

function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && codes.includes(code);
}
