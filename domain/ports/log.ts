/**
 * Structured logging as the platform needs it: a short lowercase message
 * and stable keys (sandboxId, eventType, error). Powertools' Logger fits.
 */
export interface Log {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}
