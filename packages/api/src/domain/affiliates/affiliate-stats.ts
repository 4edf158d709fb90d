import { STATS_RANGE_DAYS_MAX, type TAffiliateStats } from '@sge/shared';
import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';
import { resolveDateRange } from './date-range';

/**
 * An affiliate's activity per UTC day: users referred (by registration record time) and commissions
 * accrued (count and micro-USD, cancelled ones excluded), over a range of at most STATS_RANGE_DAYS_MAX.
 */
export async function affiliateStats(
  db: TDbExecutor,
  affiliateId: string,
  query: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): Promise<TAffiliateStats> {
  const range = resolveDateRange(query, STATS_RANGE_DAYS_MAX, now);
  const result = await sql<{ day: string; referrals: number; commission_count: number; commissions: bigint }>`
    WITH days AS (
      SELECT generate_series(${range.from}::date, ${range.to}::date, interval '1 day')::date AS day
    ), referrals AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
        FROM users
       WHERE referred_by_affiliate_id = ${affiliateId}
         AND created_at >= ${range.startAt} AND created_at < ${range.endBefore}
       GROUP BY 1
    ), commissions AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n, sum(amount) AS amount
        FROM commissions
       WHERE affiliate_id = ${affiliateId} AND status <> 'CANCELLED'
         AND created_at >= ${range.startAt} AND created_at < ${range.endBefore}
       GROUP BY 1
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
           coalesce(referrals.n, 0)::int8 AS referrals,
           coalesce(commissions.n, 0)::int8 AS commission_count,
           coalesce(commissions.amount, 0) AS commissions
      FROM days
      LEFT JOIN referrals ON referrals.day = days.day
      LEFT JOIN commissions ON commissions.day = days.day
     ORDER BY days.day`.execute(db);
  const days = result.rows.map((row) => ({
    day: row.day,
    referrals: row.referrals,
    commissionCount: row.commission_count,
    commissionsMicroUsd: row.commissions.toString(),
  }));
  return {
    from: range.from,
    to: range.to,
    days,
    totals: {
      referrals: result.rows.reduce((sum, row) => sum + row.referrals, 0),
      commissionCount: result.rows.reduce((sum, row) => sum + row.commission_count, 0),
      commissionsMicroUsd: result.rows.reduce((sum, row) => sum + row.commissions, 0n).toString(),
    },
  };
}
