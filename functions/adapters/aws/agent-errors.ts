import {
  type FieldProblem,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../domain/errors.ts';
import { isUnreachable } from '../../client/errors.ts';

/**
 * Nothing answered at the sandbox's agent: the task is not running (yet),
 * its agent crashed, or the network between the function and the task
 * is closed. The message says which to check.
 */
export class AgentUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `the sandbox's agent at ${baseUrl} is unreachable (${reason}): check ` +
        'that the task is RUNNING and its agent healthy (GET /v1/healthz, ' +
        'the task log), and that the function runs in the VPC with a ' +
        "security group the task's admits on the agent port",
      options,
    );
    this.name = 'AgentUnreachableError';
  }
}

/** The agent answered with an error the domain has no name for. */
export class AgentError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly status: number,
    readonly code: string,
    detail: string,
    options: { cause?: unknown } = {},
  ) {
    super(`the sandbox's agent at ${baseUrl} answered ${status}: ${detail}`, {
      ...options,
    });
    this.name = 'AgentError';
  }
}

interface AgentProblem {
  status: number;
  code: string;
  detail: string;
  fields?: FieldProblem[];
}

/** Turns an agent's problem+json answer back into the domain's error. */
export async function errorOfResponse(
  baseUrl: string,
  response: Response,
): Promise<Error> {
  const problem = await problemOf(response);
  switch (problem.code) {
    case 'validation':
      return new ValidationError(problem.detail, problem.fields ?? []);
    case 'not_found':
      return new NotFoundError(problem.detail);
    case 'payload_too_large':
      return new PayloadTooLargeError(problem.detail);
    case 'unauthorized':
      return new AgentError(
        baseUrl,
        problem.status,
        problem.code,
        `${problem.detail} (the platform's agent signing key and the ` +
          "one the task's token was derived with differ)",
      );
    default:
      return new AgentError(
        baseUrl,
        problem.status,
        problem.code,
        problem.detail,
      );
  }
}

async function problemOf(response: Response): Promise<AgentProblem> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<AgentProblem>;
    if (typeof body.code === 'string' && typeof body.detail === 'string') {
      return { ...body, status: response.status } as AgentProblem;
    }
  } catch {
    // Not the agent's JSON (a proxy, a crash): described from the text.
  }
  // A 413 may come from a proxy in front without a problem body.
  const code = response.status === 413 ? 'payload_too_large' : 'unexpected';
  const detail = text.trim().slice(0, 200) || response.statusText;
  return {
    status: response.status,
    code,
    detail: `HTTP ${response.status}: ${detail}`,
  };
}

/** Names why a request got no answer at all. */
export function failureOf(
  baseUrl: string,
  error: unknown,
  expired: boolean,
  timeoutMs: number,
): Error {
  if (expired) {
    const reason = `no answer within ${timeoutMs} ms`;
    return new AgentUnreachableError(baseUrl, reason, { cause: error });
  }
  if (isUnreachable(error)) {
    const reason = codeOf(error) ?? 'connection refused';
    return new AgentUnreachableError(baseUrl, reason, { cause: error });
  }
  const reason = `the connection broke: ${codeOf(error) ?? String(error)}`;
  return new AgentError(baseUrl, 0, 'connection', reason, { cause: error });
}

/** The innermost code (ECONNREFUSED, UND_ERR_SOCKET...) of a failure. */
function codeOf(error: unknown): string | undefined {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) {
    current = current.cause;
  }
  const code = (current as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return current instanceof Error ? current.message : undefined;
}
