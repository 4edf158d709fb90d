import type { TCommission } from '@sge/shared';
import type { TReadDb } from '../../db/read-db';
import { listNewestFirst } from '../list-page';
import type { TPage } from '../pagination';

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
  const select = db
    .selectFrom('commissions as c')
    .innerJoin('affiliates as a', 'a.id', 'c.affiliate_id')
    .leftJoin('commission_clawbacks as k', 'k.commission_id', 'c.id')
    .selectAll('c')
    .select(['a.code as affiliate_code', 'k.id as clawback_id']);
  return await listNewestFirst(select, {
    alias: 'c',
    filters: {
      'c.program_id': query.programId,
      'c.status': query.status,
      'c.affiliate_id': query.affiliateId,
      'c.settlement_id': query.settlementId,
      'c.payout_id': query.payoutId,
    },
    limit: query.limit,
    cursor: query.cursor,
    view: (row) => ({
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
    }),
  });
}
