/** One object as a store lists it. */
export interface StoredObject {
  /** `/`-separated, relative to the store's location. */
  key: string;
  /** Bytes of content. */
  size: number;
  /**
   * The store's version tag where it has one (S3's ETag). Not a digest
   * of the content: verify content against the digests a manifest holds.
   */
  etag?: string;
}

export interface PutObjectOptions {
  /**
   * Bytes the body must hold. A body of another length is refused with
   * ValidationError and leaves no object. Default: any length.
   */
  contentLength?: number;
  /** Told the bytes stored so far, rising, ending at the body's size. */
  onProgress?(bytesDone: number): void;
  /**
   * False: the object is whole or absent as ever, but may not survive a
   * crash until `flush`. Many objects then cost one flush, not one
   * each. Default true.
   */
  durable?: boolean;
}

/**
 * Named objects of any size, streamed in and out: where an export puts a
 * sandbox's package (a manifest and content-addressed data) and where an
 * import finds it. A local directory or a bucket prefix on S3.
 *
 * Every object is whole or absent: a put that fails for any reason (the
 * body breaks off, a wrong length, the store refuses) leaves no object,
 * and no reader ever sees half of one.
 */
export interface ObjectStore {
  /**
   * What an import takes as `source` to find this store again:
   * `s3://bucket/prefix` or an absolute directory path.
   */
  readonly location: string;

  /**
   * Stores the body under `key`, replacing what was there, once all of
   * it has arrived. Keys are `/`-separated relative paths (`a/b/c`).
   */
  put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    options?: PutObjectOptions,
  ): Promise<StoredObject>;

  /** The object's content; NotFoundError if there is none. */
  get(key: string): Promise<ReadableStream<Uint8Array>>;

  /** The object's size, or undefined if there is none. */
  head(key: string): Promise<StoredObject | undefined>;

  /**
   * Every object whose key starts with `prefix` (default: all), sorted
   * by key with compareObjectKeys.
   */
  list(prefix?: string): Promise<StoredObject[]>;

  /** Removes the object; deleting one that is missing is done too. */
  delete(key: string): Promise<void>;

  /** Makes every object put so far survive a crash (see `durable`). */
  flush(): Promise<void>;
}

/**
 * The order keys are listed in: by Unicode code point, which is UTF-8
 * byte order, the order S3 lists in. (JavaScript's default sort compares
 * UTF-16 units, which puts keys beyond U+FFFF before U+E000–U+FFFF.)
 */
export function compareObjectKeys(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();

  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return (l.done ? 0 : 1) - (r.done ? 0 : 1);
    const difference =
      (l.value.codePointAt(0) ?? 0) - (r.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}
