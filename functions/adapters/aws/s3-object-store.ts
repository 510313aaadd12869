import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ValidationError } from '../../../domain/errors.ts';
import {
  compareObjectKeys,
  type ObjectStore,
  type PutObjectOptions,
  type StoredObject,
} from '../../../domain/ports/object-store.ts';
import { callAws, hasAwsCode, translateAwsError } from './aws-errors.ts';
import { uploadObject } from './s3-multipart.ts';
import { countBytes, toNodeStream } from './s3-upload-body.ts';

/** S3 multipart parts: 5 MiB minimum except the last (S3 quotas). */
export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;

/** S3 multipart uploads: at most 10 000 parts (S3 quotas). */
export const MAX_PARTS = 10_000;

const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;
const DEFAULT_PARTS_IN_FLIGHT = 4;

export interface S3ObjectStoreOptions {
  /** Encrypt objects with this KMS key (SSE-KMS); default: bucket's. */
  kmsKeyId?: string;
  /** Bytes per part, at least 5 MiB. Default 8 MiB (up to ~78 GiB). */
  partSizeBytes?: number;
  /** Parts uploaded at once. Default 4. */
  partsInFlight?: number;
}

/**
 * Objects under one prefix of one bucket (exports, imports). Bodies
 * stream through multipart uploads (s3-multipart.ts), so size is
 * bounded by S3, not memory, and no half-written object is ever
 * visible. An upload cut off (a crash, a broken source) keeps its parts
 * and the next put of the key resumes it, sending only the parts S3
 * does not hold already; the bucket's lifecycle rule aborts those
 * nobody resumes.
 */
export class S3ObjectStore implements ObjectStore {
  /** `s3://bucket/prefix`, or `s3://bucket` for a whole bucket. */
  readonly location: string;
  private readonly prefix: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix: string,
    private readonly options: S3ObjectStoreOptions = {},
  ) {
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
    this.location = `s3://${bucket}/${this.prefix}`.replace(/\/+$/, '');
    const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
    if (partSize < MIN_PART_SIZE_BYTES) {
      throw new ValidationError(
        `S3 parts are at least ${MIN_PART_SIZE_BYTES} bytes, not ${partSize}`,
      );
    }
  }

  /** The largest object one put can upload at the configured part size. */
  get maxObjectBytes(): number {
    return (this.options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES) * MAX_PARTS;
  }

  async put(
    key: string,
    body: Readable | ReadableStream<Uint8Array> | Uint8Array,
    options: PutObjectOptions = {},
  ): Promise<StoredObject> {
    const counted = countBytes(toNodeStream(body), key, options.contentLength);
    const target = {
      client: this.client,
      bucket: this.bucket,
      key: this.prefix + key,
      partSizeBytes: this.options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES,
      partsInFlight: this.options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT,
      encryption: this.encryption(),
      onProgress: options.onProgress,
    };

    // A body of the wrong length fails while it is read, before the
    // upload completes: the object never shows.
    const done = await callAws(`upload ${key}`, () =>
      uploadObject(target, counted.stream),
    );
    return { key, size: counted.bytes(), etag: done.etag };
  }

  /** The object's content as a stream; NotFoundError when absent. */
  async get(key: string): Promise<ReadableStream<Uint8Array>> {
    const output = await callAws(
      `get ${key}`,
      () =>
        this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        ),
      ['NoSuchKey'],
    );
    return Readable.toWeb(
      output.Body as Readable,
    ) as ReadableStream<Uint8Array>;
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const output = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return { key, size: output.ContentLength ?? 0, etag: output.ETag };
    } catch (error) {
      if (hasAwsCode(error, 'NotFound', 'NoSuchKey')) return undefined;
      throw translateAwsError(`head ${key}`, error);
    }
  }

  /**
   * Objects whose key (below the store's prefix) starts with `prefix`,
   * sorted by key (S3 lists in that order already).
   */
  async list(prefix = ''): Promise<StoredObject[]> {
    return callAws(`list ${prefix}`, async () => {
      const found: StoredObject[] = [];
      const pages = paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: this.prefix + prefix },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          found.push({
            key: (object.Key ?? '').slice(this.prefix.length),
            size: object.Size ?? 0,
            etag: object.ETag,
          });
        }
      }
      return found.sort((a, b) => compareObjectKeys(a.key, b.key));
    });
  }

  /** Deletes the object; S3 treats a missing one as deleted too. */
  /** S3 keeps every object it acknowledged: nothing to flush. */
  async flush(): Promise<void> {}

  async delete(key: string): Promise<void> {
    await callAws(`delete ${key}`, () =>
      this.client.send(
        new DeleteObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
        }),
      ),
    );
  }

  private encryption() {
    const { kmsKeyId } = this.options;
    if (!kmsKeyId) return {};
    return { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kmsKeyId };
  }
}
