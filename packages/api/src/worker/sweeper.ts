import { sql } from 'kysely';
import { HEARTBEAT_STALE_MS } from '../db/heartbeat-limits';
import type { TIntentType } from '../db/schema';
import type { TRuntime } from '../runtime';
import type { TIntentProcessor } from './intent-processor';

/** Most intents one sweep hands out per type; the next sweep takes the rest. */
export const SWEEP_BATCH_MAX = 5_000;

export type TSweepResult = {
  reclaimed: number;
  dispatched: Record<string, number>;
  recovered: Record<string, number>;
};

/**
 * Finds work the queue lost and hands it out again. PostgreSQL is the source of truth:
 * 1. an intent PROCESSING under a lease (locked_until set) goes back to PENDING when the lease expired or
 *    its worker stopped sending heartbeats (killed: no need to wait out a lease of many minutes). Intents
 *    without a lease (REGISTER, governed by their mint batch's lease; CLAIM, inside one transaction) are
 *    left alone;
 * 2. every PENDING intent whose next attempt is due is dispatched to its processor's queue.
 * Safe to run in many processes at once: reclaiming is one atomic UPDATE, and dispatching an intent
 * that is already queued is a no-op (deterministic job ids).
 */
export async function sweep(
  runtime: TRuntime,
  processors: readonly TIntentProcessor[],
): Promise<TSweepResult> {
  const { db } = runtime.database;
  const reclaimed = await sql<{ id: string }>`
    UPDATE intents
       SET status = 'PENDING', status_reason = 'lease expired or its worker died before finishing',
           locked_by = NULL, locked_until = NULL, next_attempt_at = now(), updated_at = now()
     WHERE status = 'PROCESSING' AND locked_until IS NOT NULL
       AND (locked_until < now()
            OR NOT EXISTS (SELECT 1 FROM worker_heartbeats h
                            WHERE h.worker_id = intents.locked_by
                              AND h.last_seen_at > now() - ${`${HEARTBEAT_STALE_MS} milliseconds`}::interval))
     RETURNING id`.execute(db);

  const dispatched: Record<string, number> = {};
  const recovered: Record<string, number> = {};
  for (const processor of processors) {
    const found = (await processor.recover?.(runtime)) ?? 0;
    if (found > 0) recovered[processor.type] = found;
    const ready = await db
      .selectFrom('intents')
      .select('id')
      .where('status', '=', 'PENDING')
      .where('type', '=', processor.type satisfies TIntentType)
      .where('next_attempt_at', '<=', new Date())
      .orderBy('created_at')
      .limit(SWEEP_BATCH_MAX)
      .execute();
    if (ready.length === 0) continue;
    await processor.dispatch(
      runtime,
      ready.map((row) => row.id),
    );
    dispatched[processor.type] = ready.length;
  }
  return { reclaimed: reclaimed.rows.length, dispatched, recovered };
}
