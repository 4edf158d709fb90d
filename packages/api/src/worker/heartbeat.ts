import { hostname } from 'node:os';
import type { TDb } from '../db/client';

import { HEARTBEAT_INTERVAL_MS } from '../db/heartbeat-limits';

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
