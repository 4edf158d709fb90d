import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * Daily budgets of sponsored minting (issue 18), per UTC day: per program `mints_per_day_max` (SGE-IDs in
 * batches claimed today that are still PROCESSING or CONFIRMED — a failed batch's intents are counted again
 * when re-batched) and `gas_per_day_max_wei` (the program's `gas_expense` ledger entries today), and
 * GLOBAL_DAILY_GAS_BUDGET_WEI over all programs. A crossed budget pauses the program's minting: the mint
 * worker claims none of its intents (they stay PENDING, nothing is lost) until an admin raises the budget or
 * the day turns. The gas budgets are checked before a batch, so one batch may cross them (by at most its gas).
 */
export type TSponsorshipBudgets = {
  globalGasPaused: boolean;
  /** Programs with a budget: how many more mints today (null: no mint budget) and whether gas is crossed. */
  programs: Map<string, { slug: string; mintsRemaining: number | null; gasPaused: boolean }>;
};

/** Start of the current UTC day. */
export function utcDayStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function readSponsorshipBudgets(
  db: TDbExecutor,
  globalDailyGasBudgetWei: bigint | null,
): Promise<TSponsorshipBudgets> {
  const since = utcDayStart();
  const rows = await sql<{
    id: string;
    slug: string;
    mints_per_day_max: number | null;
    gas_per_day_max_wei: string | null;
    mints_today: string;
    gas_today_wei: string;
  }>`
    SELECT p.id, p.slug, p.mints_per_day_max, p.gas_per_day_max_wei::text AS gas_per_day_max_wei,
           (SELECT count(*) FROM intents i JOIN mint_batches b ON b.id = i.batch_id
             WHERE b.program_id = p.id AND b.created_at >= ${since}
               AND i.status IN ('PROCESSING', 'CONFIRMED'))::text AS mints_today,
           (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e
             WHERE e.program_id = p.id AND e.account = 'gas_expense' AND e.currency = 'ETH'
               AND e.created_at >= ${since})::text AS gas_today_wei
      FROM programs p
     WHERE p.mints_per_day_max IS NOT NULL OR p.gas_per_day_max_wei IS NOT NULL`.execute(db);
  const programs: TSponsorshipBudgets['programs'] = new Map();
  for (const row of rows.rows) {
    programs.set(row.id, {
      slug: row.slug,
      mintsRemaining:
        row.mints_per_day_max === null ? null : Math.max(0, row.mints_per_day_max - Number(row.mints_today)),
      gasPaused:
        row.gas_per_day_max_wei !== null && BigInt(row.gas_today_wei) >= BigInt(row.gas_per_day_max_wei),
    });
  }
  let globalGasPaused = false;
  if (globalDailyGasBudgetWei !== null) {
    const total = await sql<{ wei: string }>`
      SELECT coalesce(sum(e.amount), 0)::text AS wei FROM ledger_entries e JOIN programs p ON p.id = e.program_id
       WHERE e.account = 'gas_expense' AND e.currency = 'ETH' AND e.created_at >= ${since}`.execute(db);
    globalGasPaused = BigInt(total.rows[0]?.wei ?? '0') >= globalDailyGasBudgetWei;
  }
  return { globalGasPaused, programs };
}

/** Programs whose sponsored minting is paused now. */
export function pausedProgramIds(budgets: TSponsorshipBudgets): string[] {
  return [...budgets.programs]
    .filter(([, program]) => program.gasPaused || program.mintsRemaining === 0)
    .map(([id]) => id);
}
