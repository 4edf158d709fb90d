import {
  PAYOUT_APPROVALS_REQUIRED,
  type TAffiliatePayout,
  type TPayoutBatch,
  type TPayoutBatchDetail,
  type TPayoutBatchStatus,
} from '@sge/shared';
import { sql } from 'kysely';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';
import { loadBatchApproval, loadBatchSignatures, typedDataJson } from './batch-approval';
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
    status: 'PENDING' | 'PAID' | 'CANCELLED' | 'SKIPPED';
    skip_reason: string | null;
    commission_count: number;
    commissions_amount: bigint;
    clawbacks_amount: bigint;
  }>`
    SELECT p.id, p.affiliate_id, a.code, p.wallet, p.amount, p.status, p.skip_reason,
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
      skipReason: row.skip_reason,
    })),
    approval: await approvalView(db, batch),
  };
}

/** What a batch's approvers sign and who signed; null for a batch from before signed approvals. */
async function approvalView(
  db: TDbExecutor,
  batch: TPayoutBatchRow,
): Promise<TPayoutBatchDetail['approval']> {
  if (!batch.approval_deadline) return null;
  const approval = await loadBatchApproval(db, batch);
  const signatures = await loadBatchSignatures(db, batch);
  return {
    typedData: typedDataJson(approval.typedData) as NonNullable<TPayoutBatchDetail['approval']>['typedData'],
    deadline: batch.approval_deadline.toISOString(),
    payoutContract: approval.payoutContract,
    token: approval.token,
    chainId: approval.chainId,
    required: PAYOUT_APPROVALS_REQUIRED,
    signatures: signatures.map((row) => ({
      admin: row.admin,
      signer: row.signer,
      signedAt: row.signedAt.toISOString(),
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
      'p.skip_reason',
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
      skipReason: row.skip_reason,
      txHash: paid ? row.tx_hash : null,
      txUrl: paid ? txUrl(explorerUrl, row.tx_hash) : null,
      paidAt: paid ? (row.completed_at?.toISOString() ?? null) : null,
      createdAt: row.created_at.toISOString(),
    };
  });
}
