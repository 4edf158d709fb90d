import { HEARTBEAT_STALE_MS } from '../../db/heartbeat-limits';
import type { TDbExecutor } from '../in-transaction';

export type TWorkerHeartbeat = {
  workerId: string;
  role: string;
  host: string;
  pid: number;
  startedAt: Date;
  lastSeenAt: Date;
  ageSeconds: number;
  /** False when it missed HEARTBEAT_MISSES_DEAD heartbeats: presumed dead. */
  alive: boolean;
};

/**
 * Every worker heartbeat row seen in the last `windowMs` (worker/heartbeat.ts writes them; a clean exit
 * deletes its row, a crash leaves it to go stale), newest first.
 */
export async function listWorkerHeartbeats(
  db: TDbExecutor,
  input: { now: Date; windowMs: number; limit: number },
): Promise<TWorkerHeartbeat[]> {
  const rows = await db
    .selectFrom('worker_heartbeats')
    .selectAll()
    .where('last_seen_at', '>=', new Date(input.now.getTime() - input.windowMs))
    .orderBy('last_seen_at', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map((row) => {
    const ageMs = Math.max(0, input.now.getTime() - new Date(row.last_seen_at).getTime());
    return {
      workerId: row.worker_id,
      role: row.role,
      host: row.host,
      pid: row.pid,
      startedAt: new Date(row.started_at),
      lastSeenAt: new Date(row.last_seen_at),
      ageSeconds: Math.round(ageMs / 1000),
      alive: ageMs <= HEARTBEAT_STALE_MS,
    };
  });
}
