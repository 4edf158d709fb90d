import { SCHEDULE_TICK_MS } from '../domain/reconciliation/reconciliation-limits';
import { tickReconciliationSchedule } from '../domain/reconciliation/reconciliation-schedule';
import type { TRuntime } from '../runtime';

/**
 * The scheduled reconciliation of a worker process: every SCHEDULE_TICK_MS it looks whether a slot of
 * RECONCILIATION_SCHEDULE (cron, UTC; default daily 02:00) is due and, if it is the process that claims the
 * slot, runs every check. Any number of worker processes may run this: the slot is unique in
 * reconciliation_runs, so each slot runs once. Returns a stop function that waits for a run in progress.
 * RECONCILIATION_SCHEDULE=off schedules nothing.
 */
export function startReconciliationSchedule(
  runtime: TRuntime,
  options: { tickMs?: number } = {},
): () => Promise<void> {
  const context = runtime.reconciliation;
  const schedule = runtime.config.workers.reconciliationSchedule;
  if (schedule === null) return async () => {};
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= tickReconciliationSchedule(context, schedule)
      .then((run) => {
        if (run)
          runtime.logger.info({ runId: run.runId, slot: run.slot }, 'scheduled reconciliation finished');
      })
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'scheduled reconciliation failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.tickMs ?? SCHEDULE_TICK_MS);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
