import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { invalidBatchState, lockPayoutBatch, type TPayoutBatchRow } from './load-payout-batch';

/**
 * Approves a PENDING_APPROVAL batch as admin `who`, who must not be the admin who created it (two-person
 * rule; the database's payout_batches_two_person CHECK refuses it too).
 *
 * @throws AppError PAYOUT_SELF_APPROVAL (403), NOT_FOUND, INVALID_STATE.
 */
export async function approvePayoutBatch(
  db: TDbExecutor,
  who: TActor,
  input: { batchId: string; programScope: string | null },
): Promise<TPayoutBatchRow> {
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, input.batchId, input.programScope);
    if (batch.status !== 'PENDING_APPROVAL') throw invalidBatchState(batch, 'approved', ['PENDING_APPROVAL']);
    if (batch.created_by === who.actor) {
      throw new AppError(
        'PAYOUT_SELF_APPROVAL',
        `${who.actor} created payout batch ${batch.id} and cannot approve it: a second admin must`,
      );
    }
    const approved = await tx
      .updateTable('payout_batches')
      .set({ status: 'APPROVED', approved_by: who.actor, approved_at: new Date(), updated_at: new Date() })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'payout_batch.approve',
      programId: batch.program_id,
      subjectType: 'payout_batch',
      subjectId: batch.id,
      before: { status: batch.status },
      after: { status: approved.status, approvedBy: who.actor, total: batch.total },
    });
    return approved;
  });
}
