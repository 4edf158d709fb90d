import type { TCommission } from '@sge/shared';
import type { TReadDb } from '../../db/read-db';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';

/** Commissions, newest first, filtered by program, status, affiliate, settlement and payout. */
export async function listCommissions(
  db: TReadDb,
  query: {
    programId: string | null;
    status?: TCommission['status'] | undefined;
    affiliateId?: string | undefined;
    settlementId?: string | undefined;
    payoutId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TCommission>> {
  let select = db
    .selectFrom('commissions as c')
    .innerJoin('affiliates as a', 'a.id', 'c.affiliate_id')
    .leftJoin('commission_clawbacks as k', 'k.commission_id', 'c.id')
    .selectAll('c')
    .select([
      'a.code as affiliate_code',
      'k.id as clawback_id',
      createdMicros('c.created_at').as('cursor_us'),
    ]);
  if (query.programId) select = select.where('c.program_id', '=', query.programId);
  if (query.status) select = select.where('c.status', '=', query.status);
  if (query.affiliateId) select = select.where('c.affiliate_id', '=', query.affiliateId);
  if (query.settlementId) select = select.where('c.settlement_id', '=', query.settlementId);
  if (query.payoutId) select = select.where('c.payout_id', '=', query.payoutId);
  const rows = await select
    .where(afterCreatedCursor(query.cursor, { createdAt: 'c.created_at', id: 'c.id' }))
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, (row) => ({
    id: row.id,
    programId: row.program_id,
    affiliateId: row.affiliate_id,
    affiliateCode: row.affiliate_code,
    settlementId: row.settlement_id,
    level: row.level,
    rateBps: row.rate_bps,
    baseAmount: row.base_amount.toString(),
    amount: row.amount.toString(),
    currency: row.currency,
    status: row.status,
    payableAt: row.payable_at.toISOString(),
    payoutId: row.payout_id,
    clawedBack: row.clawback_id !== null,
    createdAt: row.created_at.toISOString(),
  }));
}
