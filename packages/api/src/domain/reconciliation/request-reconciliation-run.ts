import type { TReconciliationCheckName } from '@sge/shared';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import type { TReconciliationContext } from './check-context';
import { startReconciliationRun } from './run-reconciliation';

/**
 * The queue that carries reconciliation runs to the workers, and its job ids: `reconciliation-<runId>`
 * (one job per run; enqueueing it again while it waits or runs is a no-op).
 */
export const RECONCILIATION_QUEUE = 'maintenance';
export const reconciliationJobId = (runId: string) => `reconciliation-${runId}`;

/**
 * "Run now" and "full re-check" (issue 22 §3): claims a run (RUNNING, 409 CONFLICT while another runs), audits
 * the request (`reconciliation.run`) and hands the run to the workers through RECONCILIATION_QUEUE. Nothing
 * is checked here, so an API process never does the work; a worker performs it (performQueuedRun) and stores
 * its progress and results on the run. A run that cannot be queued is marked ERROR and the error thrown.
 *
 * @example
 * const { id } = await requestReconciliationRun(context, actor, { checks: RECONCILIATION_CHECKS, mode: 'FULL' });
 */
export async function requestReconciliationRun(
  context: Pick<TReconciliationContext, 'db' | 'now' | 'queue'>,
  actor: TActor,
  input: { checks: readonly TReconciliationCheckName[]; mode: 'INCREMENTAL' | 'FULL' },
): Promise<{ id: string }> {
  const claimed = await startReconciliationRun(context, {
    trigger: 'MANUAL',
    slot: null,
    requestedBy: actor.actor,
    checks: input.checks,
    mode: input.mode,
  });
  if (!claimed) throw new AppError('CONFLICT', 'a reconciliation run could not be started');
  await writeAudit(context.db, actor, {
    action: 'reconciliation.run',
    programId: null,
    subjectType: 'reconciliation_run',
    subjectId: claimed.id,
    after: { checks: input.checks, mode: input.mode },
  });
  try {
    await context.queue.enqueue(RECONCILIATION_QUEUE, reconciliationJobId(claimed.id), { runId: claimed.id });
  } catch (error) {
    await context.db
      .updateTable('reconciliation_runs')
      .set({ status: 'ERROR', error: 'could not be queued for the workers', finished_at: context.now() })
      .where('id', '=', claimed.id)
      .where('status', '=', 'RUNNING')
      .execute();
    throw error;
  }
  return claimed;
}
