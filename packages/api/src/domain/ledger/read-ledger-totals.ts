import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * Sum of every maintained ledger balance per program (slug) and currency — zero in a balanced ledger — for
 * the first `programsMax` programs by slug. Reads the partial sums the ledger keeps (ledger_balance_totals,
 * at most 64 rows per program and currency), never the entries nor one row per account: the same cost at a
 * million accounts as at ten.
 */
export async function readLedgerTotals(
  db: TDbExecutor,
  programsMax: number,
): Promise<{ slug: string; currency: string; sum: bigint }[]> {
  const result = await sql<{ slug: string; currency: string; sum: bigint }>`
    SELECT p.slug, t.currency, sum(t.balance) AS sum
      FROM (SELECT id, slug FROM programs ORDER BY slug LIMIT ${programsMax}) p
      JOIN ledger_balance_totals t ON t.program_id = p.id
     GROUP BY p.slug, t.currency
     ORDER BY p.slug, t.currency`.execute(db);
  return result.rows;
}
