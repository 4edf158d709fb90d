import type { TOverviewDay, TOverviewFigures } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';

/** Most days one read may cover: bounds the rows read (days × 16 shards per program). */
export const ROLLUP_DAYS_MAX = 31;

type TRollupRow = { [K in keyof TOverviewDay]: string };

const COUNT_FIGURES = ['registrations', 'claims', 'payouts'] as const;
const AMOUNT_FIGURES = [
  'claimFeesMicroUsd',
  'sgeClaimedWei',
  'revenueMicroUsd',
  'refundsMicroUsd',
  'commissionsAccruedMicroUsd',
  'commissionsPayableMicroUsd',
  'commissionsPaidMicroUsd',
  'commissionsCancelledMicroUsd',
  'payoutsMicroUsd',
  'gasSpentWei',
] as const;

/**
 * The daily rollups (0022) of the `days` UTC days ending today (today included), oldest first, every day
 * present (zeros where nothing happened), for one program or all (`programId` null). Reads only the rollup rows
 * of those days — an index range on (program_id, day) or (day) — so its cost does not grow with history.
 *
 * @example
 * await readDailyRollups(db, { programId, days: 8 }) // [{ day: '2026-12-01', registrations: 3, ... }, ...]
 */
export async function readDailyRollups(
  db: TReadDb,
  input: { programId: string | null; days: number },
): Promise<TOverviewDay[]> {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > ROLLUP_DAYS_MAX) {
    throw new Error(`days must be an integer in 1..${ROLLUP_DAYS_MAX}, got ${input.days}`);
  }
  const programFilter = input.programId === null ? sql`` : sql`AND r.program_id = ${input.programId}`;
  const { rows } = await sql<TRollupRow>`
    WITH span AS (
      SELECT (now() AT TIME ZONE 'UTC')::date - ${input.days - 1}::int AS first,
             (now() AT TIME ZONE 'UTC')::date AS last
    ), days AS (
      SELECT generate_series(span.first, span.last, interval '1 day')::date AS day FROM span
    ), sums AS (
      SELECT r.day,
             sum(r.registrations) AS registrations, sum(r.claims) AS claims,
             sum(r.claim_fees_micro_usd) AS claim_fees, sum(r.sge_claimed_wei) AS sge_claimed,
             sum(r.revenue_micro_usd) AS revenue, sum(r.refunds_micro_usd) AS refunds,
             sum(r.commissions_accrued_micro_usd) AS accrued, sum(r.commissions_payable_micro_usd) AS payable,
             sum(r.commissions_paid_micro_usd) AS paid, sum(r.commissions_cancelled_micro_usd) AS cancelled,
             sum(r.payouts) AS payouts, sum(r.payouts_micro_usd) AS payouts_amount, sum(r.gas_spent_wei) AS gas
        FROM daily_rollups r, span
       WHERE r.day BETWEEN span.first AND span.last ${programFilter}
       GROUP BY r.day
    )
    SELECT days.day::text AS "day",
           coalesce(registrations, 0)::text AS "registrations", coalesce(claims, 0)::text AS "claims",
           coalesce(claim_fees, 0)::text AS "claimFeesMicroUsd", coalesce(sge_claimed, 0)::text AS "sgeClaimedWei",
           coalesce(revenue, 0)::text AS "revenueMicroUsd", coalesce(refunds, 0)::text AS "refundsMicroUsd",
           coalesce(accrued, 0)::text AS "commissionsAccruedMicroUsd",
           coalesce(payable, 0)::text AS "commissionsPayableMicroUsd",
           coalesce(paid, 0)::text AS "commissionsPaidMicroUsd",
           coalesce(cancelled, 0)::text AS "commissionsCancelledMicroUsd",
           coalesce(payouts, 0)::text AS "payouts", coalesce(payouts_amount, 0)::text AS "payoutsMicroUsd",
           coalesce(gas, 0)::text AS "gasSpentWei"
      FROM days LEFT JOIN sums USING (day)
     ORDER BY days.day`.execute(db);
  return rows.map((row) => ({
    ...row,
    registrations: Number(row.registrations),
    claims: Number(row.claims),
    payouts: Number(row.payouts),
  }));
}

/** The figures of several days added up (amounts as exact bigint sums). */
export function sumOverviewDays(days: readonly TOverviewDay[]): TOverviewFigures {
  const totals = {} as Record<string, number | string>;
  for (const figure of COUNT_FIGURES) totals[figure] = days.reduce((sum, day) => sum + day[figure], 0);
  for (const figure of AMOUNT_FIGURES) {
    totals[figure] = days.reduce((sum, day) => sum + BigInt(day[figure]), 0n).toString();
  }
  return totals as TOverviewFigures;
}
