import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { invalidBatchState, lockPayoutBatch, type TPayoutBatchRow } from './load-payout-batch';

/**
 * Records a terminal failure of a batch's execution (the worker decides it is terminal, e.g. the payout
 * contract lacks funds): batch FAILED, intent FAILED with the reason. An admin restarts it with
 * startPayoutBatchExecution, which is safe: executePayoutBatch asks the chain before paying.
 */
export async function failPayoutBatch(
  db: TDbExecutor,
  batchId: string,
  reason: string,
): Promise<TPayoutBatchRow> {
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, batchId, null);
    if (batch.status !== 'EXECUTING') throw invalidBatchState(batch, 'marked failed', ['EXECUTING']);
    const now = new Date();
    const failed = await tx
      .updateTable('payout_batches')
      .set({ status: 'FAILED', reason, updated_at: now })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (batch.intent_id) {
      await tx
        .updateTable('intents')
        .set({
          status: 'FAILED',
          status_reason: reason,
          last_error: reason,
          locked_by: null,
          locked_until: null,
          updated_at: now,
        })
        .where('id', '=', batch.intent_id)
        .execute();
    }
    await writeAudit(
      tx,
      { actor: 'system:payout', requestId: null },
      {
        action: 'payout_batch.fail',
        programId: batch.program_id,
        subjectType: 'payout_batch',
        subjectId: batch.id,
        before: { status: batch.status },
        after: { status: failed.status, reason },
      },
    );
    return failed;
  });
}
