import type { Log } from '../../domain/ports/log.ts';

/**
 * Runs `tick` every `intervalMs`, never two at once: a slow tick (many
 * sandboxes changed) delays the next rather than piling up behind it.
 */
export function startTimer(
  name: string,
  intervalMs: number,
  tick: () => Promise<unknown>,
  log: Log,
): { stop(): void } {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await tick();
    } catch (error) {
      log.error('scheduled work failed', { schedule: name, error });
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
