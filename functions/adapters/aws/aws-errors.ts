import { NotFoundError, ThrottledError } from '../../../domain/errors.ts';

/**
 * Error codes AWS services answer with when a rate limit refused the
 * call. The SDK has retried these already by the time an adapter sees
 * one, so they leave the adapter as ThrottledError: back off, try later.
 */
const THROTTLING_CODES = new Set([
  'RequestLimitExceeded', // EC2
  'SnapshotCreationPerVolumeRateExceeded', // EC2, per volume
  'ThrottlingException', // ECS, EventBridge, DynamoDB
  'Throttling',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown', // S3
  'ProvisionedThroughputExceededException',
]);

/** The service's error code: `name` in SDK v3, `Code` on some XML APIs. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : undefined;
}

export const isThrottling = (error: unknown): boolean =>
  THROTTLING_CODES.has(awsErrorCode(error) ?? '');

/** Whether the error's code is one of `codes`. */
export const hasAwsCode = (error: unknown, ...codes: string[]): boolean =>
  codes.includes(awsErrorCode(error) ?? '');

/**
 * Runs one SDK call and translates what comes out of it at the adapter's
 * edge: throttling becomes ThrottledError, any code in `notFound` becomes
 * NotFoundError, both with the SDK error as `cause`; anything else is
 * passed on untouched (an unexpected error).
 */
export async function callAws<T>(
  what: string,
  call: () => Promise<T>,
  notFound: readonly string[] = [],
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(what, error, notFound);
  }
}

export function translateAwsError(
  what: string,
  error: unknown,
  notFound: readonly string[] = [],
): unknown {
  const code = awsErrorCode(error);
  if (isThrottling(error)) {
    return new ThrottledError(`${what}: throttled by AWS (${code})`, {
      cause: error,
    });
  }
  if (code && notFound.includes(code)) {
    const missing = new NotFoundError(`${what}: not found (${code})`);
    return Object.assign(missing, { cause: error });
  }
  return error;
}
