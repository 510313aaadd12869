import type { FieldProblem, Problem } from './types.ts';

/**
 * The platform answered with an error status. `code` is the stable code
 * from the problem+json body (`validation`, `not_found`, `illegal_state`,
 * ...); the message carries the detail and every field problem, so that
 * printing it alone tells the whole story.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: FieldProblem[];

  constructor(problem: Problem) {
    super(describeProblem(problem));
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.fields = problem.fields ?? [];
  }
}

function describeProblem(problem: Problem): string {
  const fields = (problem.fields ?? []).map(
    // A problem with the body as a whole names no field.
    ({ field, message }) => `\n  ${field ? `${field}: ` : ''}${message}`,
  );
  return `${problem.detail}${fields.join('')}`;
}

/** Nothing answered at the platform's address. */
export class PlatformUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    options: { cause: unknown },
  ) {
    super(
      `the Auteryn platform is not reachable at ${baseUrl} ` +
        `(${reasonOf(options.cause)}): start it with \`npm start\`, ` +
        'or point to it with AUTERYN_URL or --url',
      options,
    );
    this.name = 'PlatformUnreachableError';
  }
}

/** The connection broke after it was made, e.g. during an upload. */
export class ConnectionError extends Error {
  constructor(baseUrl: string, options: { cause: unknown }) {
    super(
      `the connection to ${baseUrl} failed: ${reasonOf(options.cause)}`,
      options,
    );
    this.name = 'ConnectionError';
  }
}

/** A request could not be signed for the deployed API (SigV4). */
export class SigningError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'SigningError';
  }
}

/** A sandbox, or one of its snapshots, did not settle in time. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly sandboxId: string,
    readonly lastStatus: string,
    awaited: readonly string[],
    timeoutMs: number,
    /** What was awaited, as the message names it; the sandbox by default. */
    subject = `sandbox ${sandboxId}`,
  ) {
    super(
      `${subject} is still ${lastStatus} after ` +
        `${timeoutMs / 1000} s (waiting for ${awaited.join(' or ')})`,
    );
    this.name = 'WaitTimeoutError';
  }
}

// Codes undici and the OS give when no connection could be opened at all.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a rejected fetch means that nothing listens at the address. */
export function isUnreachable(error: unknown): boolean {
  return UNREACHABLE_CODES.has(codeOf(rootCause(error)) ?? '');
}

function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) {
    current = current.cause;
  }
  return current;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function reasonOf(error: unknown): string {
  const cause = rootCause(error);
  if (cause instanceof Error) return codeOf(cause) ?? cause.message;
  return String(cause);
}
