import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Database, PayoutBatchesTable } from '../../db/schema';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';

export type TPayoutBatchRow = Selectable<PayoutBatchesTable>;

/**
 * A payout batch by id, locked for update until the caller's transaction ends. A batch of another program
 * than `programScope` is reported as not found, so a scoped key learns nothing about it.
 */
export async function lockPayoutBatch(
  tx: TDbExecutor,
  batchId: string,
  programScope: string | null,
): Promise<TPayoutBatchRow> {
  let query = tx.selectFrom('payout_batches').selectAll().where('id', '=', batchId);
  if (programScope) query = query.where('program_id', '=', programScope);
  const batch = await query.forUpdate().executeTakeFirst();
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} not found`);
  return batch;
}

export function invalidBatchState(
  batch: TPayoutBatchRow,
  action: string,
  allowed: readonly string[],
): AppError {
  return new AppError(
    'INVALID_STATE',
    `payout batch ${batch.id} is ${batch.status}; it can be ${action} only when ${allowed.join(' or ')}`,
    { details: { status: batch.status } },
  );
}

/**
 * Unlinks the commissions and clawbacks of payouts that will not be paid (a released batch, skipped
 * payments): they stay PAYABLE / OPEN and the next batch takes them. `payoutIds` is a list or a subquery.
 */
export async function releasePayoutCommissions(
  tx: TDbExecutor,
  payoutIds: readonly string[] | SelectQueryBuilder<Database, 'payouts', { id: string }>,
  now: Date,
): Promise<void> {
  if (Array.isArray(payoutIds) && payoutIds.length === 0) return;
  const ids = payoutIds as string[];
  await tx
    .updateTable('commissions')
    .set({ payout_id: null, updated_at: now })
    .where('payout_id', 'in', ids)
    .execute();
  await tx
    .updateTable('commission_clawbacks')
    .set({ payout_id: null, updated_at: now })
    .where('payout_id', 'in', ids)
    .execute();
}
