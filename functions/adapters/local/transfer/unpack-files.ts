import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ObjectStore } from '../../../../domain/ports/object-store.ts';
import type { PackageFile } from '../../../../domain/ports/snapshot-packager.ts';
import { refused, sha256Hex } from '../../../transfer/manifest.ts';
import {
  type PackedObject,
  parseIndex,
  SMALL_OBJECT_BYTES,
} from './pack-files.ts';

/** The file's content, checked against its size and SHA-256. */
export async function readChecked(
  store: ObjectStore,
  file: PackageFile,
): Promise<Uint8Array> {
  await requirePresent(store, file);
  const content = new Uint8Array(
    await new Response(await store.get(file.key)).arrayBuffer(),
  );
  if (sha256Hex(content) !== file.sha256) {
    throw refused(`${file.key} is corrupt: it does not hash to its SHA-256`);
  }
  return content;
}

/**
 * Streams one pack out into objects named by their hash, checking each
 * object against its name and the whole pack against its SHA-256. An
 * object lands (by rename) only once it checked out.
 */
export async function unpackPack(input: {
  store: ObjectStore;
  pack: PackageFile;
  index: PackageFile;
  tmp: string;
  pathOf: (hash: string) => string;
  onBytes(bytes: number): void;
}): Promise<void> {
  const { store, pack, tmp, pathOf } = input;
  const objects = parseIndex(
    new TextDecoder().decode(await readChecked(store, input.index)),
  );
  await requirePresent(store, pack);

  const whole = createHash('sha256');
  const reader = new ObjectReader(objects, pack.key, tmp, pathOf);
  for await (const chunk of (await store.get(
    pack.key,
  )) as unknown as AsyncIterable<Uint8Array>) {
    whole.update(chunk);
    await reader.write(chunk);
    input.onBytes(chunk.length);
  }
  await reader.end();
  if (whole.digest('hex') !== pack.sha256) {
    throw refused(`${pack.key} is corrupt: it does not hash to its SHA-256`);
  }
}

/** Cuts a pack's bytes into its objects as they stream past. */
class ObjectReader {
  private at = 0;
  private current:
    | {
        object: PackedObject;
        /** Small objects are gathered in memory and written in one go. */
        chunks: Uint8Array[];
        file: Awaited<ReturnType<typeof open>> | undefined;
        temp: string;
        hash: ReturnType<typeof createHash>;
        written: number;
      }
    | undefined;
  private next = 0;
  private readonly folders = new Set<string>();

  constructor(
    private readonly objects: PackedObject[],
    private readonly packKey: string,
    private readonly tmp: string,
    private readonly pathOf: (hash: string) => string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) await this.open();
      const current = this.current;
      if (!current) {
        throw refused(`${this.packKey} holds more bytes than its index says`);
      }
      const take = Math.min(
        chunk.length - offset,
        current.object.bytes - current.written,
      );
      const piece = chunk.subarray(offset, offset + take);
      current.hash.update(piece);
      if (current.file) await current.file.write(piece);
      else current.chunks.push(piece);
      current.written += take;
      offset += take;
      this.at += take;
      if (current.written === current.object.bytes) await this.close();
    }
  }

  async end(): Promise<void> {
    // Empty objects take no bytes: they are closed here.
    while (this.next < this.objects.length) {
      await this.open();
      if (this.current && this.current.object.bytes > 0) {
        throw refused(`${this.packKey} is cut short`);
      }
      await this.close();
    }
    if (this.current) throw refused(`${this.packKey} is cut short`);
  }

  private async open(): Promise<void> {
    const object = this.objects[this.next++];
    if (!object) return;
    if (object.offset !== this.at) {
      throw refused(`${this.packKey}'s index does not match its content`);
    }
    const temp = join(this.tmp, `${object.hash}.${process.pid}.part`);
    const small = object.bytes <= SMALL_OBJECT_BYTES;
    this.current = {
      object,
      chunks: [],
      file: small ? undefined : await open(temp, 'w', 0o600),
      temp,
      hash: createHash('sha256'),
      written: 0,
    };
    if (object.bytes === 0) await this.close();
  }

  private async close(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    await current.file?.close();

    if (current.hash.digest('hex') !== current.object.hash) {
      await rm(current.temp, { force: true });
      throw refused(
        `${this.packKey} is corrupt: object ${current.object.hash} does ` +
          'not hash to its name',
      );
    }
    const target = this.pathOf(current.object.hash);
    const folder = dirname(target);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    if (current.file) {
      await rename(current.temp, target);
      return;
    }
    // Checked already: written under its name in one synchronous call,
    // through a temp name so no half object ever carries it.
    writeFileSync(current.temp, Buffer.concat(current.chunks), { mode: 0o600 });
    renameSync(current.temp, target);
  }
}

async function requirePresent(store: ObjectStore, file: PackageFile) {
  const present = await store.head(file.key);
  if (!present) {
    throw refused(
      `${file.key} is missing from the package (was the export finished?)`,
    );
  }
  if (present.size !== file.bytes) {
    throw refused(
      `${file.key} has ${present.size} bytes where the manifest says ` +
        `${file.bytes}: it was cut short or changed`,
    );
  }
}
