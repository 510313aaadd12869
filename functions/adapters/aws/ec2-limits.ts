/**
 * EC2 and EBS limits the snapshot adapters and the scheduler live within,
 * per account and region unless said otherwise.
 */

/** Token bucket of one EC2 API action: burst size and refill per second. */
export interface RateBucket {
  bucket: number;
  refillPerSecond: number;
}

/**
 * EC2 API request throttling, "resource rate" buckets (EC2 API reference,
 * "Request throttling"): about 1 500 snapshots per 5 minutes at most.
 */
export const EC2_RATE_LIMITS = {
  createSnapshot: { bucket: 100, refillPerSecond: 5 },
  deleteSnapshot: { bucket: 100, refillPerSecond: 5 },
  createVolume: { bucket: 100, refillPerSecond: 5 },
  copySnapshot: { bucket: 50, refillPerSecond: 5 },
  /** DescribeSnapshots with filters (non-mutating, filtered bucket). */
  describeSnapshotsFiltered: { bucket: 100, refillPerSecond: 20 },
} as const satisfies Record<string, RateBucket>;

/** Concurrent pending snapshots of one gp2/gp3/io1/io2 volume (EBS quotas). */
export const MAX_CONCURRENT_SNAPSHOTS_PER_VOLUME = 5;

/** Concurrent cross-region snapshot copies into one region (EBS quotas). */
export const MAX_CONCURRENT_COPIES_PER_DESTINATION = 20;

/** Snapshots per region, adjustable (EBS quotas). */
export const MAX_SNAPSHOTS_PER_REGION = 100_000;

/** DescribeSnapshots' MaxResults: 5 to 1 000 (EC2 API reference). */
export const DESCRIBE_SNAPSHOTS_PAGE_SIZE = 1_000;

/**
 * Values in one filter of one Describe call: EC2 answers
 * FilterLimitExceeded beyond 200 (observed; the API reference names no
 * number), so describes by id are cut into batches of this size.
 */
export const MAX_FILTER_VALUES = 200;
