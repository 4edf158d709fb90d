import { performQueuedRun } from '../domain/reconciliation/perform-queued-run';
import { RECONCILIATION_QUEUE } from '../domain/reconciliation/request-reconciliation-run';
import type { TRuntime } from '../runtime';
import { startHeartbeat } from './heartbeat';
import type { TIntentProcessor } from './intent-processor';
import { PROCESSORS } from './processors';
import { startClaimWatcher } from './processors/claim-watcher';
import { startOnchainPaymentWatcher } from './processors/onchain-payment-watcher';
import { reportJobFailures } from './report-job-failures';
import { startScheduledJobs } from './scheduled-jobs';
import { sweep } from './sweeper';

/**
 * Starts this process's workers: one consumer per intent processor's queue, the sweeper that recovers lost
 * work from the database, and the heartbeat. Returns a stop function that drains running jobs.
 */
export async function startWorkers(
  runtime: TRuntime,
  workerId: string,
  processors: readonly TIntentProcessor[] = PROCESSORS,
): Promise<() => Promise<void>> {
  const { logger, queue, config } = runtime;
  // First: the sweeper of another worker takes over leases held by a worker without a fresh heartbeat.
  const stopHeartbeat = await startHeartbeat(runtime.database.db, workerId, config.role, (error) =>
    logger.warn({ err: error }, 'heartbeat failed'),
  );
  for (const processor of processors) {
    queue.process(
      processor.queue,
      // The queue retries a failed job; the report says which job and intent failed and why.
      reportJobFailures(runtime.errorReporter, processor.queue, (data, context) =>
        processor.handle(runtime, data, { ...context, workerId }),
      ),
      { concurrency: config.workers.concurrency },
    );
  }

  // Reconciliation runs requested through the API ("run now", full re-check): one at a time per process (the
  // database allows one RUNNING run anyway).
  const reconciliation = runtime.reconciliation;
  queue.process(
    RECONCILIATION_QUEUE,
    reportJobFailures(runtime.errorReporter, RECONCILIATION_QUEUE, async (data) => {
      const outcome = await performQueuedRun(reconciliation, String(data.runId), workerId);
      logger.info({ runId: data.runId, outcome }, 'reconciliation run');
    }),
    { concurrency: 1 },
  );

  let sweeping: Promise<void> | null = null;
  const runSweep = () => {
    sweeping ??= sweep(runtime, processors)
      .then((result) => {
        const busy =
          result.reclaimed > 0 ||
          Object.keys(result.dispatched).length + Object.keys(result.recovered).length > 0;
        if (busy) logger.info(result, 'sweep');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'sweep failed'))
      .finally(() => {
        sweeping = null;
      });
  };
  runSweep();
  const sweepTimer = setInterval(runSweep, config.workers.sweepIntervalMs);
  sweepTimer.unref();

  const stopScheduledJobs = startScheduledJobs(runtime);

  // Confirms, re-sends and replaces the relayer's transactions even when no job is waiting on them.
  const stopRelayerMonitor = runtime.relayer.startMonitor();

  // Records claims made on the claim contracts without the API (worker/processors/claim-watcher.ts).
  const stopClaimWatcher = startClaimWatcher(runtime);
  // Records direct on-chain payments the page did not report (worker/processors/onchain-payment-watcher.ts).
  const stopPaymentWatcher = startOnchainPaymentWatcher(runtime);

  return async () => {
    clearInterval(sweepTimer);
    stopScheduledJobs();
    await stopClaimWatcher();
    await stopPaymentWatcher();
    await sweeping;
    await queue.close(config.workers.shutdownTimeoutMs);
    await stopRelayerMonitor();
    await stopHeartbeat();
  };
}
