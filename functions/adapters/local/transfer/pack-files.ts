import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import type { ObjectStore } from '../../../../domain/ports/object-store.ts';
import type { PackageFile } from '../../../../domain/ports/snapshot-packager.ts';
import { sha256Hex } from '../../../transfer/manifest.ts';
import { textOf } from '../../../transfer/transfer-parts.ts';

/**
 * Objects travel concatenated in pack files of up to this size, so a
 * package of twenty thousand small files is a handful of sequential
 * writes (and S3 PUTs), not twenty thousand.
 */
export const PACK_BYTES = 64 * 1024 * 1024;

/** An object as a pack's index lists it. */
export interface PackedObject {
  hash: string;
  offset: number;
  bytes: number;
}

export interface PackPlan {
  key: string;
  indexKey: string;
  objects: PackedObject[];
  bytes: number;
}

const packName = (index: number) =>
  `packs/pack-${String(index).padStart(4, '0')}`;

/** Cuts the objects, sorted by hash, into packs: the same every time. */
export function planPacks(
  objects: Map<string, number>,
  packBytes = PACK_BYTES,
): PackPlan[] {
  const plans: PackPlan[] = [];
  let current: PackPlan | undefined;

  for (const hash of [...objects.keys()].sort()) {
    const bytes = objects.get(hash) ?? 0;
    if (!current || (current.bytes > 0 && current.bytes + bytes > packBytes)) {
      const name = packName(plans.length + 1);
      current = {
        key: `${name}.bin`,
        indexKey: `${name}.idx`,
        objects: [],
        bytes: 0,
      };
      plans.push(current);
    }
    current.objects.push({ hash, offset: current.bytes, bytes });
    current.bytes += bytes;
  }
  return plans;
}

/**
 * Writes one pack (the objects read from `pathOf` in order) and its
 * index; returns both as manifest entries with their SHA-256.
 */
export async function writePack(
  store: ObjectStore,
  plan: PackPlan,
  pathOf: (hash: string) => string,
  onBytes: (bytes: number) => void,
): Promise<PackageFile[]> {
  const digest = createHash('sha256');
  const chunks = coalesced(packContent(plan, pathOf));
  // Pulled, not pushed: a pack is read only as fast as the store takes it.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        controller.close();
        return;
      }
      digest.update(next.value);
      controller.enqueue(next.value);
      onBytes(next.value.length);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  await store.put(plan.key, body, {
    contentLength: plan.bytes,
    durable: false,
  });

  const index = indexOf(plan);
  await store.put(plan.indexKey, index, { durable: false });
  return [
    { key: plan.key, bytes: plan.bytes, sha256: digest.digest('hex') },
    { key: plan.indexKey, bytes: index.length, sha256: sha256Hex(index) },
  ];
}

/** A pack's index: one `hash offset bytes` line per object, in order. */
function indexOf(plan: PackPlan): Uint8Array {
  return encode(
    plan.objects.map((o) => `${o.hash} ${o.offset} ${o.bytes}\n`).join(''),
  );
}

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A pack an earlier run of the same export finished: its manifest
 * entries, from the marker written once the pack and its index were
 * down, or undefined when it must be written (again). The plan is the
 * same for the same snapshots, so the marker is checked against it: the
 * pack's size and the index this plan makes.
 */
export async function finishedPack(
  store: ObjectStore,
  plan: PackPlan,
): Promise<PackageFile[] | undefined> {
  const markerKey = markerKeyOf(plan);
  const [pack, marker] = await Promise.all([
    store.head(plan.key),
    store.head(markerKey),
  ]);
  if (!marker || pack?.size !== plan.bytes) return undefined;

  const text = await textOf(await store.get(markerKey));
  const entries = parseMarker(text);
  const [packEntry, indexEntry] = entries ?? [];
  const sameIndex = indexEntry?.sha256 === sha256Hex(indexOf(plan));
  if (!sameIndex || packEntry?.key !== plan.key) return undefined;
  return entries;
}

/**
 * Records that a pack is whole, for a later run to skip it. Goes after
 * a flush of the pack, so a marker never outlives what it vouches for.
 */
export async function markPackFinished(
  store: ObjectStore,
  plan: PackPlan,
  entries: PackageFile[],
): Promise<void> {
  await store.flush();
  await store.put(markerKeyOf(plan), encode(JSON.stringify(entries)));
}

const markerKeyOf = (plan: PackPlan) => plan.key.replace(/\.bin$/, '.done');

function parseMarker(text: string): PackageFile[] | undefined {
  try {
    const entries: unknown = JSON.parse(text);
    if (!Array.isArray(entries) || entries.length !== 2) return undefined;
    const valid = entries.every(
      (e) =>
        typeof e?.key === 'string' &&
        typeof e?.bytes === 'number' &&
        typeof e?.sha256 === 'string',
    );
    return valid ? (entries as PackageFile[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The pack's bytes: its objects' contents, one after the other. */
async function* packContent(
  plan: PackPlan,
  pathOf: (hash: string) => string,
): AsyncGenerator<Buffer> {
  for (const object of plan.objects) {
    yield* contentOf(pathOf(object.hash), object.bytes);
  }
}

/**
 * Chunks of about this size reach the store: thousands of small files
 * are otherwise as many stream reads and file writes.
 */
const CHUNK_BYTES = 1024 * 1024;

async function* coalesced(
  source: AsyncGenerator<Buffer>,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let held = 0;
  for await (const bytes of source) {
    pending.push(bytes);
    held += bytes.length;
    if (held >= CHUNK_BYTES) {
      yield pending.length === 1 ? bytes : Buffer.concat(pending, held);
      pending = [];
      held = 0;
    }
  }
  if (held > 0) yield Buffer.concat(pending, held);
}

/**
 * Below this size an object is read in one synchronous call: a stream
 * per file costs several thread-pool round trips, which for thousands
 * of small files is most of the time an export takes.
 */
export const SMALL_OBJECT_BYTES = 256 * 1024;

async function* contentOf(path: string, bytes: number) {
  if (bytes <= SMALL_OBJECT_BYTES) {
    yield readFileSync(path);
    return;
  }
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

/** A pack's index, as writePack wrote it. */
export function parseIndex(text: string): PackedObject[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [hash = '', offset = '', bytes = ''] = line.split(' ');
      return { hash, offset: Number(offset), bytes: Number(bytes) };
    });
}
