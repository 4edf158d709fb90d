import { COMMISSION_MATURITY_BATCH_SIZE, COMMISSION_MATURITY_ROUNDS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * The scheduled maturity job: ACCRUED commissions whose hold period has passed (`payable_at <= now`) become
 * PAYABLE. Works in statements of COMMISSION_MATURITY_BATCH_SIZE rows (each its own short transaction when
 * given the pool), at most COMMISSION_MATURITY_ROUNDS_MAX of them per run; the next run takes the rest.
 * Idempotent, and safe to run in several processes at once (SKIP LOCKED: each row is taken by one).
 * Maturity moves no money, so the ledger is untouched.
 *
 * @example
 * const { matured } = await matureCommissions(db, new Date());
 */
export async function matureCommissions(
  db: TDbExecutor,
  now: Date,
  batchSize = COMMISSION_MATURITY_BATCH_SIZE,
): Promise<{ matured: number; rounds: number; more: boolean }> {
  let matured = 0;
  for (let round = 1; round <= COMMISSION_MATURITY_ROUNDS_MAX; round++) {
    const result = await sql<{ id: string }>`
      UPDATE commissions SET status = 'PAYABLE', updated_at = now()
       WHERE id IN (SELECT id FROM commissions
                     WHERE status = 'ACCRUED' AND payable_at <= ${now}
                     ORDER BY payable_at
                     LIMIT ${batchSize}
                     FOR UPDATE SKIP LOCKED)
      RETURNING id`.execute(db);
    matured += result.rows.length;
    if (result.rows.length < batchSize) return { matured, rounds: round, more: false };
  }
  return { matured, rounds: COMMISSION_MATURITY_ROUNDS_MAX, more: true };
}
