/**
 * The closed set of errors the platform raises. Each has a stable `code`;
 * one table at the HTTP edge maps codes to statuses, so the domain never
 * speaks HTTP.
 */
export type ErrorCode =
  | 'validation'
  | 'forbidden'
  | 'not_found'
  | 'illegal_state'
  | 'conflict'
  | 'concurrency'
  | 'payload_too_large'
  | 'throttled'
  | 'unsupported'
  | 'unexpected';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.size`. */
  field: string;
  message: string;
}

export class AuterynError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AuterynError {
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super('validation', message);
  }
}

/** The caller cannot be identified or may not act. */
export class ForbiddenError extends AuterynError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class NotFoundError extends AuterynError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The sandbox's current state forbids the command. */
export class IllegalStateError extends AuterynError {
  constructor(message: string) {
    super('illegal_state', message);
  }
}

/** The request collides with something that exists (a taken name). */
export class ConflictError extends AuterynError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** Another writer appended to the stream first: reload and decide again. */
export class ConcurrencyError extends AuterynError {
  constructor(
    readonly streamId: string,
    readonly expectedRevision: number,
    options?: { cause?: unknown },
  ) {
    super(
      'concurrency',
      `stream ${streamId} moved past revision ${expectedRevision}`,
      options,
    );
  }
}

export class PayloadTooLargeError extends AuterynError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/**
 * A provider refused the call for its rate limit (EC2's
 * RequestLimitExceeded): back off and try again later.
 */
export class ThrottledError extends AuterynError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('throttled', message, options);
  }
}

/** This deployment cannot do what was asked (e.g. a local-only feature). */
export class UnsupportedError extends AuterynError {
  constructor(message: string) {
    super('unsupported', message);
  }
}

export const isAuterynError = (error: unknown): error is AuterynError =>
  error instanceof AuterynError;
