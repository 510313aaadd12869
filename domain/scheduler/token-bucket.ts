/** A token bucket's shape: how many calls at once, and how fast it fills. */
export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

/**
 * EC2's resource rate limit for CreateSnapshot, per account and region:
 * a bucket of 100 that refills at 5 a second (EC2 API reference,
 * "Request throttling", resource rate limits), about 1 500 per 5 minutes.
 */
export const EC2_CREATE_SNAPSHOT_LIMIT: RateLimit = {
  capacity: 100,
  refillPerSecond: 5,
};

/** The share of that limit the scheduler takes, leaving room for users. */
export const SCHEDULER_SHARE = 0.9;

export const schedulerLimit = (limit: RateLimit): RateLimit => ({
  capacity: Math.floor(limit.capacity * SCHEDULER_SHARE),
  refillPerSecond: limit.refillPerSecond * SCHEDULER_SHARE,
});

export interface TokenBucket {
  tokens: number;
  refilledAt: string;
}

export const fullBucket = (limit: RateLimit, now: Date): TokenBucket => ({
  tokens: limit.capacity,
  refilledAt: now.toISOString(),
});

/** The bucket as it stands at `now`. */
export function refill(
  bucket: TokenBucket,
  limit: RateLimit,
  now: Date,
): TokenBucket {
  const seconds = Math.max(
    0,
    (now.getTime() - Date.parse(bucket.refilledAt)) / 1000,
  );
  return {
    tokens: Math.min(
      limit.capacity,
      bucket.tokens + seconds * limit.refillPerSecond,
    ),
    refilledAt: now.toISOString(),
  };
}

/** Milliseconds until a refilled bucket holds one whole token. */
export const msUntilToken = (bucket: TokenBucket, limit: RateLimit) =>
  bucket.tokens >= 1
    ? 0
    : Math.ceil(((1 - bucket.tokens) / limit.refillPerSecond) * 1000);

export const take = (bucket: TokenBucket): TokenBucket => ({
  ...bucket,
  tokens: bucket.tokens - 1,
});

/** After a throttle the provider's bucket is empty whatever ours says. */
export const drain = (bucket: TokenBucket): TokenBucket => ({
  ...bucket,
  tokens: 0,
});
