import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import { S3ObjectStore } from '../../functions/adapters/aws/s3-object-store.ts';
import { DirectoryObjectStore } from '../../functions/adapters/local/directory-object-store.ts';
import {
  objectStoreAt,
  s3ClientFor,
} from '../../functions/adapters/object-store-at.ts';

// The lockfile pins SDK releases that still support Node.js 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const s3 = new S3Client({ region: 'us-east-1' });

describe('objectStoreAt', () => {
  it.each([
    ['s3://exports-bucket/auteryn/sbx-1', 's3://exports-bucket/auteryn/sbx-1'],
    ['s3://exports-bucket/auteryn/', 's3://exports-bucket/auteryn'],
    ['s3://exports-bucket/', 's3://exports-bucket'],
    ['s3://exports-bucket', 's3://exports-bucket'],
    ['s3://my.bucket-1/a/b/c', 's3://my.bucket-1/a/b/c'],
  ])('reads %s as a bucket prefix at %s', (location, expected) => {
    const store = objectStoreAt(location, { s3 });

    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(store.location).toBe(expected);
  });

  it.each([
    ['/var/lib/auteryn/exports', '/var/lib/auteryn/exports'],
    ['/var/lib/auteryn/exports/', '/var/lib/auteryn/exports'],
    ['/var/lib/../tmp/./exports', '/var/tmp/exports'],
  ])('reads %s as the directory %s', (location, expected) => {
    const store = objectStoreAt(location);

    expect(store).toBeInstanceOf(DirectoryObjectStore);
    expect(store.location).toBe(expected);
  });

  it.each([
    'exports',
    './exports',
    '~/exports',
    '',
    'https://exports-bucket.s3.amazonaws.com/x',
    'S3://exports-bucket/x',
    's3://',
    's3:///prefix',
    's3://ab/x',
    's3://Exports_Bucket/x',
    's3://-bucket/x',
  ])('refuses %j, naming the forms it takes', (location) => {
    expect(() => objectStoreAt(location, { s3 })).toThrow(ValidationError);
    expect(() => objectStoreAt(location, { s3 })).toThrow(
      /s3:\/\/bucket\/prefix or an absolute directory path/,
    );
  });

  it('builds a client for emulators when an endpoint is set', async () => {
    const client = s3ClientFor('http://127.0.0.1:5000');

    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe(
      'WHEN_REQUIRED',
    );
    expect(await client.config.responseChecksumValidation()).toBe(
      'WHEN_REQUIRED',
    );
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    client.destroy();
  });

  it('builds a plain client for AWS when no endpoint is set', async () => {
    const client = s3ClientFor('');

    expect(client.config.forcePathStyle).toBe(false);
    expect(await client.config.requestChecksumCalculation()).toBe(
      'WHEN_SUPPORTED',
    );
    client.destroy();
  });
});
