import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';

/**
 * Whether every program's ledger sums to zero in every currency, from the partial sums the ledger maintains
 * (ledger_balance_totals: ≤ 64 rows per program and currency), never from the entries. A yes/no for the
 * public /status page: no amount leaves this function.
 *
 * @example
 * await isLedgerBalanced(db) // true
 */
export async function isLedgerBalanced(db: TReadDb): Promise<boolean> {
  const { rows } = await sql<{ unbalanced: boolean }>`
    SELECT EXISTS (SELECT 1 FROM ledger_balance_totals GROUP BY program_id, currency HAVING sum(balance) <> 0)
      AS unbalanced`.execute(db);
  return rows[0]?.unbalanced === false;
}
