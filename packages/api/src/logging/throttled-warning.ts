import type { Logger } from './logger';

/**
 * A warning that an attacker can cause at will (a bad webhook signature) is logged at most once per
 * `intervalMs`: the first occurrence at once, then one line per interval saying how many were left out
 * (`suppressed`). A flood costs one log line per interval instead of one per request. Per process: with N API
 * replicas, N lines per interval at most.
 *
 * @example
 * const warnBadSignature = throttledWarning(60_000);
 * warnBadSignature(request.log, { reason }, 'refused a Commerce webhook delivery');
 */
export function throttledWarning(
  intervalMs: number,
  now: () => number = Date.now,
): (log: Pick<Logger, 'warn'>, fields: Record<string, unknown>, message: string) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (log, fields, message) => {
    const time = now();
    if (time - lastLoggedAt < intervalMs) {
      suppressed += 1;
      return;
    }
    log.warn({ ...fields, suppressed, suppressedForMs: intervalMs }, message);
    lastLoggedAt = time;
    suppressed = 0;
  };
}
