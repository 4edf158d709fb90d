import { RECONCILIATION_CHECKS, type TReconciliationCheckName } from '@sge/shared';
import type { TReconciliationContext } from './check-context';
import { executeReconciliationRun } from './run-reconciliation';

/**
 * A worker's half of "run now" (request-reconciliation-run.ts): takes the run (its `picked_by` set only if
 * nobody has it, so a job delivered twice performs it once) and performs its checks. A run no longer RUNNING
 * (abandoned, finished) or already taken is skipped. Failures are recorded on the run, never thrown (a retry
 * would find it finished): returns what happened.
 */
export async function performQueuedRun(
  context: TReconciliationContext,
  runId: string,
  workerId: string,
): Promise<'performed' | 'skipped'> {
  const run = await context.db
    .updateTable('reconciliation_runs')
    .set({ picked_by: workerId, progress_at: context.now() })
    .where('id', '=', runId)
    .where('status', '=', 'RUNNING')
    .where('picked_by', 'is', null)
    .returning(['requested_checks', 'mode'])
    .executeTakeFirst();
  if (!run) return 'skipped';
  const checks = run.requested_checks.filter((name): name is TReconciliationCheckName =>
    (RECONCILIATION_CHECKS as readonly string[]).includes(name),
  );
  await executeReconciliationRun(context, runId, checks, run.mode).catch(() => {});
  return 'performed';
}
