import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The bearer token of one sandbox's agent: HMAC-SHA256 of the sandbox id
 * under the platform's agent signing key, in hex. The platform derives it
 * for every call and hands it to the task at RunTask; the agent knows only
 * its own, so a token opens one sandbox and no other.
 */
export function agentToken(signingKey: string | Uint8Array, sandboxId: string) {
  return createHmac('sha256', signingKey).update(sandboxId).digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, if it has one. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Compares in constant time. Both sides are hashed first, so neither the
 * content nor the length of the expected token leaks through timing.
 */
export function tokenMatches(expected: string, presented: string | undefined) {
  if (presented === undefined) return false;
  const want = createHash('sha256').update(expected).digest();
  const got = createHash('sha256').update(presented).digest();
  return timingSafeEqual(want, got);
}
