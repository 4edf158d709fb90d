import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * Writes the ledger's balance checkpoints up to the latest UTC midnight (the database's clock), once: the
 * database computes them (migration 0013's trigger on ledger_checkpoint_days) for every account with entries
 * since the previous checkpoint day, from the entries of those days only. Idempotent and safe in many worker
 * processes at once (the day is a primary key; a later call the same day writes nothing).
 *
 * `asOf` (a UTC midnight, not in the future) is for tests and tools; the worker passes none.
 *
 * @returns the checkpoint day written, or null when it was already there.
 */
export async function writeLedgerCheckpoint(
  db: TDbExecutor,
  options: { asOf?: Date } = {},
): Promise<{ asOf: Date } | null> {
  const day = options.asOf ? sql`${options.asOf}::timestamptz` : sql`date_trunc('day', now(), 'UTC')`;
  const result = await sql<{ as_of: Date }>`
    INSERT INTO ledger_checkpoint_days (as_of)
    SELECT ${day} WHERE NOT EXISTS (SELECT 1 FROM ledger_checkpoint_days WHERE as_of >= ${day})
    ON CONFLICT (as_of) DO NOTHING
    RETURNING as_of`.execute(db);
  const row = result.rows[0];
  return row ? { asOf: new Date(row.as_of) } : null;
}
