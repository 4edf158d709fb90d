/**
 * How worker heartbeats (table worker_heartbeats) are read: written by worker/heartbeat.ts, read by the sweeper,
 * the mint batches' lease takeover and reconciliation. Here, below all of them.
 */

/** Seconds between a worker's heartbeats; WorkerDown alerts after several are missed. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker that missed this many heartbeats is presumed dead: its leases can be taken early. */
export const HEARTBEAT_MISSES_DEAD = 3;
export const HEARTBEAT_STALE_MS = HEARTBEAT_INTERVAL_MS * HEARTBEAT_MISSES_DEAD;
