import { hostname } from 'node:os';
import type { TDb } from '../db/client';

/** Seconds between a worker's heartbeats; WorkerDown alerts after several are missed. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker that missed this many heartbeats is presumed dead: its leases can be taken early. */
export const HEARTBEAT_MISSES_DEAD = 3;
export const HEARTBEAT_STALE_MS = HEARTBEAT_INTERVAL_MS * HEARTBEAT_MISSES_DEAD;

/**
 * Writes this process's heartbeat row every HEARTBEAT_INTERVAL_MS so operators (and the reconciliation
 * page) see which workers are alive. Returns a stop function that deletes the row on a clean exit.
 */
export function startHeartbeat(db: TDb, workerId: string, role: string, onError: (error: unknown) => void) {
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
  beat().catch(onError);
  const timer = setInterval(() => beat().catch(onError), HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerId).execute().catch(onError);
  };
}
