import { sql } from 'kysely';
import type { TIntentType } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';

/**
 * PENDING intents whose next attempt is due, per type (every type present): the real backlog. Queue jobs are
 * only wake-ups (one job may carry a whole mint batch), so the database says how much work is waiting.
 */
export async function countIntentBacklog(db: TDbExecutor, now: Date): Promise<Record<TIntentType, number>> {
  const rows = await sql<{ type: TIntentType; n: number }>`
    SELECT type, count(*)::int8 AS n FROM intents
     WHERE status = 'PENDING' AND next_attempt_at <= ${now}
     GROUP BY type`.execute(db);
  const counts: Record<TIntentType, number> = { REGISTER: 0, CLAIM: 0, COMMERCE_PAYMENT: 0, PAYOUT: 0 };
  for (const row of rows.rows) counts[row.type] = row.n;
  return counts;
}
