import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ObjectStore } from '../../domain/ports/object-store.ts';
import { objectStoreAt } from '../../functions/adapters/object-store-at.ts';
import { useMoto } from './moto.ts';

/** A fresh, empty store per test, and the way back to one by location. */
export interface StoreContext {
  store(): ObjectStore;
  reopen(location: string): ObjectStore;
}

/** Each test gets a folder of its own below one temporary directory. */
export function useDirectoryStores(): StoreContext {
  let parent = '';
  let current: ObjectStore;
  let runs = 0;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'auteryn-objects-'));
  });
  beforeEach(() => {
    current = objectStoreAt(join(parent, `run-${++runs}`));
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });
  return {
    store: () => current,
    reopen: (location) => objectStoreAt(location),
  };
}

/** One bucket for the suite; each test gets a prefix of its own. */
export function useBucketStores(): StoreContext {
  const moto = useMoto();
  const bucket = `auteryn-contract-${Date.now()}`;
  let current: ObjectStore;
  let runs = 0;
  const reopen = (location: string) => objectStoreAt(location, { s3: moto.s3 });

  beforeAll(async () => {
    await moto.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  beforeEach(() => {
    current = reopen(`s3://${bucket}/run-${++runs}`);
  });
  afterAll(async () => {
    const whole = reopen(`s3://${bucket}`);
    for (const { key } of await whole.list()) await whole.delete(key);
    await moto.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
  return { store: () => current, reopen };
}

/**
 * Every store an export can go to: a local directory and an S3 bucket
 * (moto_server, or AWS_ENDPOINT_URL). Contract suites run once per entry.
 */
export const objectStoreBackends: {
  name: string;
  use: () => StoreContext;
}[] = [
  { name: 'a local directory', use: useDirectoryStores },
  { name: 'S3 (moto_server)', use: useBucketStores },
];
