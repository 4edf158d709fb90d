import { hostname } from 'node:os';
import type { TDb } from '../db/client';

/** Seconds between a worker's heartbeats; WorkerDown alerts after several are missed. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker that missed this many heartbeats is presumed dead: its leases can be taken early. */
export const HEARTBEAT_MISSES_DEAD = 3;
export const HEARTBEAT_STALE_MS = HEARTBEAT_INTERVAL_MS * HEARTBEAT_MISSES_DEAD;

/**
 * Writes this process's heartbeat row every HEARTBEAT_INTERVAL_MS so operators (and the reconciliation
 * page) see which workers are alive, and so other workers can take over the leases of a worker that died
 * (the sweeper, mint batches). Resolves after the first beat was written (or failed), so a worker that
 * starts consuming afterwards is never taken for dead; resolves to a stop function that deletes the row on
 * a clean exit.
 */
export async function startHeartbeat(
  db: TDb,
  workerId: string,
  role: string,
  onError: (error: unknown) => void,
): Promise<() => Promise<void>> {
  const startedAt = new Date();
  const beat = async () => {
    const now = new Date();
    await db
      .insertInto('worker_heartbeats')
      .values({
        worker_id: workerId,
        role,
        host: hostname(),
        pid: process.pid,
        started_at: startedAt,
        last_seen_at: now,
      })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ last_seen_at: now }))
      .execute();
  };
  await beat().catch(onError);
  const timer = setInterval(() => beat().catch(onError), HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerId).execute().catch(onError);
  };
}
