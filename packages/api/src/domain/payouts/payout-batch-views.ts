import type { TAffiliatePayout, TPayoutBatch, TPayoutBatchDetail, TPayoutBatchStatus } from '@sge/shared';
import { sql } from 'kysely';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';
import type { TPayoutBatchRow } from './load-payout-batch';

/** Link to a transaction on the chain's explorer, when it has one. */
export function txUrl(explorerUrl: string | null, txHash: string | null): string | null {
  return explorerUrl && txHash ? `${explorerUrl}/tx/${txHash}` : null;
}

export function toPayoutBatchView(
  row: TPayoutBatchRow,
  payoutCount: number,
  explorerUrl: string | null,
): TPayoutBatch {
  return {
    id: row.id,
    programId: row.program_id,
    status: row.status as TPayoutBatchStatus,
    currency: row.currency,
    total: row.total.toString(),
    payoutCount,
    createdBy: row.created_by,
    approvedBy: row.approved_by,
    rejectedBy: row.rejected_by,
    reason: row.reason,
    intentId: row.intent_id,
    txHash: row.tx_hash,
    txUrl: txUrl(explorerUrl, row.tx_hash),
    createdAt: row.created_at.toISOString(),
    approvedAt: row.approved_at?.toISOString() ?? null,
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

/** Payout batches, newest first, filtered by program and status. */
export async function listPayoutBatches(
  db: TDbExecutor,
  query: {
    programId: string | null;
    status?: TPayoutBatchStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  },
  explorerUrl: string | null,
): Promise<TPage<TPayoutBatch>> {
  let select = db
    .selectFrom('payout_batches as b')
    .selectAll('b')
    .select([
      sql<number>`(SELECT count(*) FROM payouts p WHERE p.batch_id = b.id)::int8`.as('payout_count'),
      createdMicros('b.created_at').as('cursor_us'),
    ]);
  if (query.programId) select = select.where('b.program_id', '=', query.programId);
  if (query.status) select = select.where('b.status', '=', query.status);
  const rows = await select
    .where(afterCreatedCursor(query.cursor, { createdAt: 'b.created_at', id: 'b.id' }))
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, (row) => toPayoutBatchView(row, row.payout_count, explorerUrl));
}

/** One batch with its payouts (net amounts and what they net). */
export async function getPayoutBatchDetail(
  db: TDbExecutor,
  batchId: string,
  programScope: string | null,
  explorerUrl: string | null,
): Promise<TPayoutBatchDetail> {
  let select = db.selectFrom('payout_batches').selectAll().where('id', '=', batchId);
  if (programScope) select = select.where('program_id', '=', programScope);
  const batch = await select.executeTakeFirst();
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} not found`);
  const payouts = await sql<{
    id: string;
    affiliate_id: string;
    code: string;
    wallet: string;
    amount: bigint;
    status: 'PENDING' | 'PAID' | 'CANCELLED';
    commission_count: number;
    commissions_amount: bigint;
    clawbacks_amount: bigint;
  }>`
    SELECT p.id, p.affiliate_id, a.code, p.wallet, p.amount, p.status,
           (SELECT count(*) FROM commissions c WHERE c.payout_id = p.id)::int8 AS commission_count,
           (SELECT coalesce(sum(c.amount), 0) FROM commissions c WHERE c.payout_id = p.id) AS commissions_amount,
           (SELECT coalesce(sum(k.amount), 0) FROM commission_clawbacks k WHERE k.payout_id = p.id) AS clawbacks_amount
      FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id
     WHERE p.batch_id = ${batch.id}
     ORDER BY p.amount DESC, p.id`.execute(db);
  return {
    ...toPayoutBatchView(batch, payouts.rows.length, explorerUrl),
    payouts: payouts.rows.map((row) => ({
      id: row.id,
      affiliateId: row.affiliate_id,
      affiliateCode: row.code,
      wallet: row.wallet,
      amount: row.amount.toString(),
      commissionCount: row.commission_count,
      commissionsAmount: row.commissions_amount.toString(),
      clawbacksAmount: row.clawbacks_amount.toString(),
      status: row.status,
    })),
  };
}

/** An affiliate's payouts, newest first, with the paying transaction. */
export async function listAffiliatePayouts(
  db: TDbExecutor,
  query: { affiliateId: string; payoutId?: string; limit: number; cursor?: string | undefined },
  explorerUrl: string | null,
): Promise<TPage<TAffiliatePayout>> {
  let select = db
    .selectFrom('payouts as p')
    .innerJoin('payout_batches as b', 'b.id', 'p.batch_id')
    .select([
      'p.id',
      'p.batch_id',
      'p.wallet',
      'p.amount',
      'p.currency',
      'p.status',
      'p.created_at',
      'b.tx_hash',
      'b.completed_at',
      createdMicros('p.created_at').as('cursor_us'),
    ])
    .where('p.affiliate_id', '=', query.affiliateId);
  if (query.payoutId) select = select.where('p.id', '=', query.payoutId);
  const rows = await select
    .where(afterCreatedCursor(query.cursor, { createdAt: 'p.created_at', id: 'p.id' }))
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, (row) => {
    const paid = row.status === 'PAID';
    return {
      id: row.id,
      batchId: row.batch_id,
      wallet: row.wallet,
      amount: row.amount.toString(),
      currency: row.currency,
      status: row.status,
      txHash: paid ? row.tx_hash : null,
      txUrl: paid ? txUrl(explorerUrl, row.tx_hash) : null,
      paidAt: paid ? (row.completed_at?.toISOString() ?? null) : null,
      createdAt: row.created_at.toISOString(),
    };
  });
}
