import { sql } from 'kysely';
import type { TDb } from '../../src/db/client';

export type TRollupDifference = { programId: string; figure: string; rollup: string; facts: string };

/**
 * The daily rollups (0022) summed over all days and shards, against the same figures counted from scratch in
 * the facts with count/sum: every program, every column. Empty when they agree.
 */
export async function rollupDifferences(db: TDb): Promise<TRollupDifference[]> {
  const { rows } = await sql<Record<string, string>>`
    WITH rollups AS (
      SELECT program_id,
             sum(registrations)::text AS registrations, sum(claims)::text AS claims,
             sum(claim_fees_micro_usd)::text AS claim_fees_micro_usd,
             sum(sge_claimed_wei)::text AS sge_claimed_wei,
             sum(revenue_micro_usd)::text AS revenue_micro_usd,
             sum(refunds_micro_usd)::text AS refunds_micro_usd,
             sum(commissions_accrued_micro_usd)::text AS commissions_accrued_micro_usd,
             sum(commissions_payable_micro_usd)::text AS commissions_payable_micro_usd,
             sum(commissions_paid_micro_usd)::text AS commissions_paid_micro_usd,
             sum(commissions_cancelled_micro_usd)::text AS commissions_cancelled_micro_usd,
             sum(payouts)::text AS payouts, sum(payouts_micro_usd)::text AS payouts_micro_usd,
             sum(gas_spent_wei)::text AS gas_spent_wei
        FROM daily_rollups GROUP BY program_id
    ), facts AS (
      SELECT p.id AS program_id,
        (SELECT count(*) FROM users u WHERE u.program_id = p.id AND u.registered_at IS NOT NULL)::text AS registrations,
        (SELECT count(*) FROM settlements s WHERE s.program_id = p.id AND s.kind = 'CLAIM')::text AS claims,
        (SELECT coalesce(sum(amount), 0) FROM settlements s WHERE s.program_id = p.id AND s.kind = 'CLAIM')::text
          AS claim_fees_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM ledger_entries e
          WHERE e.program_id = p.id AND e.account = 'sge_distributed' AND e.currency = 'SGE')::text AS sge_claimed_wei,
        (SELECT coalesce(sum(-amount) FILTER (WHERE amount < 0), 0) FROM ledger_entries e
          WHERE e.program_id = p.id AND e.account = 'revenue' AND e.currency IN ('USD', 'USDC', 'USDT'))::text
          AS revenue_micro_usd,
        (SELECT coalesce(sum(amount) FILTER (WHERE amount > 0), 0) FROM ledger_entries e
          WHERE e.program_id = p.id AND e.account = 'revenue' AND e.currency IN ('USD', 'USDC', 'USDT'))::text
          AS refunds_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM commissions c WHERE c.program_id = p.id)::text
          AS commissions_accrued_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM commissions c WHERE c.program_id = p.id AND c.status = 'PAYABLE')::text
          AS commissions_payable_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM commissions c WHERE c.program_id = p.id AND c.status = 'PAID')::text
          AS commissions_paid_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM commissions c WHERE c.program_id = p.id AND c.status = 'CANCELLED')::text
          AS commissions_cancelled_micro_usd,
        (SELECT count(*) FROM payouts o WHERE o.program_id = p.id AND o.status = 'PAID')::text AS payouts,
        (SELECT coalesce(sum(amount), 0) FROM payouts o WHERE o.program_id = p.id AND o.status = 'PAID')::text
          AS payouts_micro_usd,
        (SELECT coalesce(sum(amount), 0) FROM ledger_entries e
          WHERE e.program_id = p.id AND e.account = 'gas_expense' AND e.currency = 'ETH')::text AS gas_spent_wei
        FROM programs p
    )
    SELECT f.program_id::text AS "programId", figure.name AS figure,
           coalesce(r.row ->> figure.name, '0') AS rollup, f.row ->> figure.name AS facts
      FROM (SELECT program_id, to_jsonb(facts) AS row FROM facts) f
      LEFT JOIN (SELECT program_id, to_jsonb(rollups) AS row FROM rollups) r ON r.program_id = f.program_id
     CROSS JOIN LATERAL jsonb_object_keys(f.row) AS figure(name)
     WHERE figure.name <> 'program_id'
       AND coalesce(r.row ->> figure.name, '0') <> f.row ->> figure.name
     ORDER BY 1, 2`.execute(db);
  return rows as unknown as TRollupDifference[];
}

/** Every figure of one program, as the rollups hold them (summed over all days), for readable assertions. */
export async function rollupTotals(db: TDb, programId: string): Promise<Record<string, string>> {
  const { rows } = await sql<Record<string, string>>`
    SELECT sum(registrations)::text AS registrations, sum(claims)::text AS claims,
           sum(claim_fees_micro_usd)::text AS claim_fees_micro_usd,
           sum(revenue_micro_usd)::text AS revenue_micro_usd, sum(refunds_micro_usd)::text AS refunds_micro_usd,
           sum(commissions_accrued_micro_usd)::text AS commissions_accrued_micro_usd,
           sum(commissions_payable_micro_usd)::text AS commissions_payable_micro_usd,
           sum(commissions_paid_micro_usd)::text AS commissions_paid_micro_usd,
           sum(commissions_cancelled_micro_usd)::text AS commissions_cancelled_micro_usd,
           sum(payouts)::text AS payouts, sum(payouts_micro_usd)::text AS payouts_micro_usd,
           sum(gas_spent_wei)::text AS gas_spent_wei
      FROM daily_rollups WHERE program_id = ${programId}`.execute(db);
  return rows[0] ?? {};
}
