import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** A database handle: the pool, or a transaction that the caller owns. */
export type TDbExecutor = Kysely<Database>;

/**
 * Runs `work` in a database transaction: the caller's, when it passes one (so that several use cases
 * commit or roll back together), or a new one.
 *
 * @example
 * await inTransaction(db, async (tx) => { await postLedgerTransaction(tx, ...); await writeAudit(tx, ...); });
 */
export async function inTransaction<T>(
  db: TDbExecutor,
  work: (tx: Transaction<Database> | Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return await work(db);
  return await db.transaction().execute(work);
}

/** PostgreSQL's SQLSTATE of an error from either engine (pg and PGlite both set `code`), or null. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The constraint a PostgreSQL error names (unique, check, foreign key), or null. */
export function violatedConstraint(error: unknown): string | null {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : null;
}

export const SQLSTATE_UNIQUE_VIOLATION = '23505';
export const SQLSTATE_CHECK_VIOLATION = '23514';
