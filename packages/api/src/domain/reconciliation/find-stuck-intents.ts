import { sql } from 'kysely';
import type { TIntentType } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';

export type TStuckIntent = {
  id: string;
  programId: string;
  type: TIntentType;
  wallet: string | null;
  attempts: number;
  lastError: string | null;
  lockedBy: string | null;
  /** When it entered PROCESSING (its latest PROCESSING event, else its last update). */
  processingSince: Date;
};

/** The SQL of "when did this intent start PROCESSING": its latest PROCESSING event, else its last update. */
const PROCESSING_SINCE = sql<Date>`coalesce(
  (SELECT max(e.at) FROM intent_events e WHERE e.intent_id = i.id AND e.to_status = 'PROCESSING'), i.updated_at)`;

/**
 * Intents PROCESSING for longer than `timeoutMinutes` (INTENT_TIMEOUT_MINUTES), oldest first. Cheap:
 * PROCESSING intents are few and have their own partial index.
 *
 * @example
 * const stuck = await findStuckIntents(db, { timeoutMinutes: 10, now: new Date(), limit: 100 });
 */
export async function findStuckIntents(
  db: TDbExecutor,
  input: { timeoutMinutes: number; now: Date; limit: number; intentId?: string },
): Promise<TStuckIntent[]> {
  const cutoff = new Date(input.now.getTime() - input.timeoutMinutes * 60_000);
  const rows = await sql<{
    id: string;
    program_id: string;
    type: TIntentType;
    wallet: string | null;
    attempts: number;
    last_error: string | null;
    locked_by: string | null;
    since: Date;
  }>`
    SELECT * FROM (
      SELECT i.id, i.program_id, i.type, i.wallet, i.attempts, i.last_error, i.locked_by, ${PROCESSING_SINCE} AS since
        FROM intents i
       WHERE i.status = 'PROCESSING' ${input.intentId ? sql`AND i.id = ${input.intentId}::uuid` : sql``}
    ) processing
     WHERE since < ${cutoff}
     ORDER BY since, id
     LIMIT ${input.limit}`.execute(db);
  return rows.rows.map((row) => ({
    id: row.id,
    programId: row.program_id,
    type: row.type,
    wallet: row.wallet,
    attempts: row.attempts,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    processingSince: new Date(row.since),
  }));
}

/** How many intents are stuck, per intent type (every type present, 0 when none). */
export async function countStuckIntents(
  db: TDbExecutor,
  input: { timeoutMinutes: number; now: Date },
): Promise<Record<TIntentType, number>> {
  const cutoff = new Date(input.now.getTime() - input.timeoutMinutes * 60_000);
  const rows = await sql<{ type: TIntentType; n: number }>`
    SELECT type, count(*)::int8 AS n FROM (
      SELECT i.type, ${PROCESSING_SINCE} AS since FROM intents i WHERE i.status = 'PROCESSING'
    ) processing
     WHERE since < ${cutoff}
     GROUP BY type`.execute(db);
  const counts: Record<TIntentType, number> = { REGISTER: 0, CLAIM: 0, COMMERCE_PAYMENT: 0, PAYOUT: 0 };
  for (const row of rows.rows) counts[row.type] = row.n;
  return counts;
}
