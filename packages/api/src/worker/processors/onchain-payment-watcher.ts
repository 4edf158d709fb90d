import { claimEnvironment } from '../../domain/claims/claim-context';
import { watchOnchainPayments } from '../../domain/payments/watch-onchain-payments';
import type { TRuntime } from '../../runtime';

/**
 * The chain watcher of direct on-chain payments (issue 19), beside the claim watcher in every worker (and
 * in the API process in Mock mode): one tick of watchOnchainPayments every CLAIM_WATCHER_INTERVAL_MS, never
 * two at once in a process (several processes may watch: recording is exactly-once by database keys).
 * Returns a function that stops it and waits for a running tick.
 */
export function startOnchainPaymentWatcher(
  runtime: TRuntime,
  intervalMs = runtime.config.workers.claimWatcherIntervalMs,
): () => Promise<void> {
  if (intervalMs === 0) return async () => {};
  const env = claimEnvironment(runtime);
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      const watched = await watchOnchainPayments(env);
      if (watched && watched.recorded > 0) {
        runtime.logger.info(watched, 'on-chain payments recorded by the chain watcher');
        runtime.metrics.intentsTotal.inc({ type: 'COMMERCE_PAYMENT', status: 'CONFIRMED' }, watched.recorded);
      }
      for (const skipped of watched?.skipped ?? []) runtime.logger.warn({ skipped }, 'transfer not recorded');
    })()
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'payment watcher tick failed; retrying'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
