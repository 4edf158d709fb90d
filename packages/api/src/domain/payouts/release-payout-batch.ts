import { PAYOUT_APPROVALS_REQUIRED } from '@sge/shared';
import type { Hex } from 'viem';
import type { TVoidPayoutBatch } from '../../chain/payout-ports';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { loadBatchApproval, loadBatchSignatures } from './batch-approval';
import {
  invalidBatchState,
  lockPayoutBatch,
  releasePayoutCommissions,
  type TPayoutBatchRow,
} from './load-payout-batch';

export type { TVoidPayoutBatch } from '../../chain/payout-ports';

export type TReleasePayoutBatchDeps = { voidPayoutBatch: TVoidPayoutBatch };

const RELEASABLE = {
  REJECTED: ['PENDING_APPROVAL'],
  CANCELLED: ['PENDING_APPROVAL', 'APPROVED', 'FAILED'],
} as const;

/**
 * Ends a batch that was not paid: REJECTED by a reviewer (from PENDING_APPROVAL) or CANCELLED (from
 * PENDING_APPROVAL, APPROVED, or FAILED after its execution failed for good). Its payouts become CANCELLED
 * and its commissions and clawbacks are released: they stay PAYABLE / OPEN and go into the next batch. A batch
 * whose execution is under way (EXECUTING) cannot be ended: its transaction may be on its way to the chain.
 *
 * A batch that holds both signatures could still be paid by anyone holding them (the relayer's hot key):
 * before its commissions are released it is voided on the payout contract, which then refuses to pay that
 * batch id. If the chain says it was paid instead (a FAILED batch whose payment's confirmation was lost),
 * nothing is released and the admin is told to restart its execution, which records the payment.
 *
 * @throws AppError NOT_FOUND, INVALID_STATE, PAYOUT_PAID_ON_CHAIN.
 */
export async function releasePayoutBatch(
  db: TDbExecutor,
  who: TActor,
  input: { batchId: string; programScope: string | null; outcome: 'REJECTED' | 'CANCELLED'; reason: string },
  deps: TReleasePayoutBatchDeps,
): Promise<TPayoutBatchRow> {
  const allowed: readonly string[] = RELEASABLE[input.outcome];
  const verb = input.outcome === 'REJECTED' ? 'rejected' : 'cancelled';
  const current = await lockPayoutBatch(db, input.batchId, input.programScope);
  if (!allowed.includes(current.status)) throw invalidBatchState(current, verb, allowed);
  let voidedTxHash: Hex | null = null;
  if ((await loadBatchSignatures(db, current)).length >= PAYOUT_APPROVALS_REQUIRED) {
    const approval = await loadBatchApproval(db, current);
    const outcome = await deps.voidPayoutBatch({
      batchId: current.id,
      payoutContract: approval.payoutContract,
      onChainBatchId: approval.onChainBatchId,
    });
    if (!outcome.voided) {
      throw new AppError(
        'PAYOUT_PAID_ON_CHAIN',
        `payout batch ${current.id} was paid on-chain in ${outcome.paidTxHash}; restart its execution to record the payment`,
      );
    }
    voidedTxHash = outcome.txHash;
  }
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, input.batchId, input.programScope);
    if (!allowed.includes(batch.status)) throw invalidBatchState(batch, verb, allowed);
    const now = new Date();
    const released = await tx
      .updateTable('payout_batches')
      .set({
        status: input.outcome,
        reason: input.reason,
        rejected_by: input.outcome === 'REJECTED' ? who.actor : null,
        voided_tx_hash: voidedTxHash?.toLowerCase() ?? batch.voided_tx_hash,
        updated_at: now,
      })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await releasePayoutCommissions(
      tx,
      tx.selectFrom('payouts').select('id').where('batch_id', '=', batch.id),
      now,
    );
    await tx.updateTable('payouts').set({ status: 'CANCELLED' }).where('batch_id', '=', batch.id).execute();
    await writeAudit(tx, who, {
      action: input.outcome === 'REJECTED' ? 'payout_batch.reject' : 'payout_batch.cancel',
      programId: batch.program_id,
      subjectType: 'payout_batch',
      subjectId: batch.id,
      before: { status: batch.status },
      after: { status: released.status, reason: input.reason, voidedTxHash },
    });
    return released;
  });
}
