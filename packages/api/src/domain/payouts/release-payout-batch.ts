import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { invalidBatchState, lockPayoutBatch, type TPayoutBatchRow } from './load-payout-batch';

/**
 * Ends a batch before execution: REJECTED by a reviewer (from PENDING_APPROVAL) or CANCELLED (from
 * PENDING_APPROVAL or APPROVED). Its payouts become CANCELLED and its commissions and clawbacks are
 * released: they stay PAYABLE / OPEN and go into the next batch. A batch whose execution started can no
 * longer be rejected or cancelled: its transaction may be on its way to the chain.
 *
 * @throws AppError NOT_FOUND, INVALID_STATE.
 */
export async function releasePayoutBatch(
  db: TDbExecutor,
  who: TActor,
  input: { batchId: string; programScope: string | null; outcome: 'REJECTED' | 'CANCELLED'; reason: string },
): Promise<TPayoutBatchRow> {
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, input.batchId, input.programScope);
    const allowed = input.outcome === 'REJECTED' ? ['PENDING_APPROVAL'] : ['PENDING_APPROVAL', 'APPROVED'];
    if (!allowed.includes(batch.status)) {
      throw invalidBatchState(batch, input.outcome === 'REJECTED' ? 'rejected' : 'cancelled', allowed);
    }
    const now = new Date();
    const released = await tx
      .updateTable('payout_batches')
      .set({
        status: input.outcome,
        reason: input.reason,
        rejected_by: input.outcome === 'REJECTED' ? who.actor : null,
        updated_at: now,
      })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const payoutIds = tx.selectFrom('payouts').select('id').where('batch_id', '=', batch.id);
    await tx
      .updateTable('commissions')
      .set({ payout_id: null, updated_at: now })
      .where('payout_id', 'in', payoutIds)
      .execute();
    await tx
      .updateTable('commission_clawbacks')
      .set({ payout_id: null, updated_at: now })
      .where('payout_id', 'in', payoutIds)
      .execute();
    await tx.updateTable('payouts').set({ status: 'CANCELLED' }).where('batch_id', '=', batch.id).execute();
    await writeAudit(tx, who, {
      action: input.outcome === 'REJECTED' ? 'payout_batch.reject' : 'payout_batch.cancel',
      programId: batch.program_id,
      subjectType: 'payout_batch',
      subjectId: batch.id,
      before: { status: batch.status },
      after: { status: released.status, reason: input.reason },
    });
    return released;
  });
}
