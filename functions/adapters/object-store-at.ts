import { isAbsolute } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../../domain/errors.ts';
import type { ObjectStore } from '../../domain/ports/object-store.ts';
import { S3ObjectStore } from './aws/s3-object-store.ts';
import { DirectoryObjectStore } from './local/directory-object-store.ts';

const S3_SCHEME = 's3://';

const FORMS = 's3://bucket/prefix or an absolute directory path';

/**
 * 3–63 characters of a-z, 0-9, dots and hyphens, starting and ending
 * with a letter or digit (S3 user guide, "General purpose bucket naming
 * rules").
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface ObjectStoreAtOptions {
  /** Client for `s3://` locations. Default: one from s3ClientFor(). */
  s3?: S3Client;
  /** SSE-KMS key for objects put to S3. Default: the bucket's own. */
  kmsKeyId?: string;
}

/**
 * The store an export writes to or an import reads from, by the location
 * a user gives (a store's own `location` finds it again): a prefix of an
 * S3 bucket, or a local directory. ValidationError for anything else.
 */
export function objectStoreAt(
  location: string,
  options: ObjectStoreAtOptions = {},
): ObjectStore {
  if (location.startsWith(S3_SCHEME)) {
    const { bucket, prefix } = parseS3Location(location);
    const client = options.s3 ?? defaultS3Client();
    return new S3ObjectStore(client, bucket, prefix, {
      kmsKeyId: options.kmsKeyId,
    });
  }
  if (isAbsolute(location)) return new DirectoryObjectStore(location);

  throw refused(location, 'is neither');
}

/** `s3://bucket/a/b/` as bucket `bucket` and prefix `a/b`. */
export function parseS3Location(location: string): {
  bucket: string;
  prefix: string;
} {
  const path = location.slice(S3_SCHEME.length);
  const slash = path.indexOf('/');
  const bucket = slash === -1 ? path : path.slice(0, slash);
  const prefix = slash === -1 ? '' : path.slice(slash + 1);

  if (!BUCKET_NAME.test(bucket)) {
    throw refused(
      location,
      `names no valid bucket (${JSON.stringify(bucket)})`,
    );
  }
  return { bucket, prefix: prefix.replace(/\/+$/, '') };
}

/**
 * An S3 client from the default chain (region, credentials). When
 * `endpointUrl` (AWS_ENDPOINT_URL by default) points at an emulator such
 * as moto or LocalStack, it addresses buckets by path (no bucket
 * subdomains on 127.0.0.1) and sends checksums only where S3 requires
 * them, which emulators handle on streamed bodies.
 */
export function s3ClientFor(
  endpointUrl = process.env.AWS_ENDPOINT_URL,
): S3Client {
  if (!endpointUrl) return new S3Client({});
  return new S3Client({
    endpoint: endpointUrl,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

// Built on first use and kept, as SDK clients are built once per process.
let sharedS3Client: S3Client | undefined;

function defaultS3Client(): S3Client {
  sharedS3Client ??= s3ClientFor();
  return sharedS3Client;
}

function refused(location: string, why: string) {
  return new ValidationError(
    `object store location ${JSON.stringify(location)} ${why}: give ${FORMS}`,
    [{ field: 'location', message: `give ${FORMS}` }],
  );
}
