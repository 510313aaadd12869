import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import {
  type ErrorCode,
  type FieldProblem,
  isAuterynError,
} from '../../domain/errors.ts';

/** The one table from error codes to HTTP statuses. */
const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  validation: 400,
  forbidden: 403,
  not_found: 404,
  illegal_state: 409,
  conflict: 409,
  concurrency: 409,
  payload_too_large: 413,
  throttled: 503,
  unsupported: 501,
  unexpected: 500,
};

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  fields?: FieldProblem[];
}

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  fields?: FieldProblem[],
): Response {
  // A body refused before it was read would poison a kept-alive
  // connection: tell the client to open a new one.
  const closing: Record<string, string> =
    status === 413 ? { connection: 'close' } : {};
  const body: Problem = {
    type: `https://auteryn.dev/problems/${code}`,
    title: TITLE_BY_STATUS[status] ?? 'Error',
    status,
    detail,
    code,
    ...(fields ? { fields } : {}),
  };
  return c.body(JSON.stringify(body), status, {
    'content-type': 'application/problem+json',
    ...closing,
  });
}

export function fieldsOf(error: ZodError, where: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

export const validationProblem = (c: Context, error: ZodError, where: string) =>
  problem(
    c,
    400,
    'validation',
    'the request does not match the API: see fields',
    fieldsOf(error, where),
  );

/** Renders any thrown error; the only place that decides a status. */
export function renderError(
  c: Context,
  error: unknown,
  log: (error: unknown) => void,
): Response {
  if (isAuterynError(error)) {
    const fields = 'fields' in error ? (error.fields as FieldProblem[]) : [];
    return problem(
      c,
      STATUS_BY_CODE[error.code],
      error.code,
      error.message,
      fields.length > 0 ? fields : undefined,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = status === 413 ? 'payload_too_large' : 'validation';
    return problem(c, status, code, error.message || 'bad request');
  }

  log(error);
  return problem(
    c,
    500,
    'unexpected',
    'an unexpected error occurred; it was logged: retry, and report it ' +
      'if it persists',
  );
}
