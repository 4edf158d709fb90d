import { type Kysely, sql } from 'kysely';
import type { TDb } from './client';
import type { Database } from './schema';

/**
 * The handle of reads that a read replica may serve (DATABASE_READ_URL): admin lists, stats, exports and
 * reconciliation reads. It is a Kysely<Database> without transaction(), insertInto(), updateTable(),
 * deleteFrom(), mergeInto(), replaceInto() and connection(), so it cannot be given to a use case that moves
 * money: those take the primary's TDb, and the compiler refuses a TReadDb there. A read use case takes TReadDb,
 * and the primary's TDb fits it too (Mock mode and Real mode without a replica pass the primary).
 *
 * Raw SQL (`sql\`…\`.execute(readDb)`) still compiles; at run time the replica pool opens its sessions with
 * default_transaction_read_only, and a streaming standby refuses writes anyway.
 *
 * A replica lags: what a request just wrote on the primary may not be on it yet (sge_db_replica_lag_seconds,
 * /status). Reads that decide anything about money (balances before a payout, a payment gate, idempotency)
 * stay on the primary.
 */
export type TReadDb = Pick<
  Kysely<Database>,
  'selectFrom' | 'selectNoFrom' | 'with' | 'withRecursive' | 'fn' | 'dynamic' | 'getExecutor'
>;

/** The read handle of a process and how it reports its lag. */
export type TReadDatabase = {
  db: TReadDb;
  /** True when reads go to DATABASE_READ_URL; false when they use the primary. */
  replica: boolean;
  /** The replica's replay lag in seconds (0 on the primary), or null when it cannot be read. */
  lagSeconds(): Promise<number | null>;
  close(): Promise<void>;
};

/** How long one lag reading is reused by /metrics and /api/system/status (they poll every few seconds). */
export const REPLICA_LAG_CACHE_MS = 1_000;

/**
 * The lag of the server behind `db`: 0 when it is not a standby or has replayed all it received, else the age of
 * the last transaction it replayed (pg_last_xact_replay_timestamp). A standby whose WAL receiver has stopped
 * (primary unreachable) reports that age too, once it received anything it has not replayed; with nothing
 * pending it reports 0, as PostgreSQL's own monitoring does.
 */
export async function readReplicaLagSeconds(db: TReadDb): Promise<number> {
  const { rows } = await sql<{ lag: number | null }>`
    SELECT CASE
             WHEN NOT pg_is_in_recovery() THEN 0
             WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
             ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
           END::float8 AS lag`.execute(db);
  return rows[0]?.lag ?? 0;
}

/**
 * The read handle over a replica's own database (`replica`), or over the primary when there is none.
 *
 * @example
 * const reads = readDatabaseOf(primary.db, replica); // replica: openDatabase({ kind: 'postgres', url, readOnly: true })
 * await listUsers(reads.db, query);
 */
export function readDatabaseOf(
  primary: TDb,
  replica: { db: TDb; close(): Promise<void> } | null,
): TReadDatabase {
  const db: TReadDb = replica?.db ?? primary;
  let cached: { at: number; value: Promise<number | null> } | null = null;
  return {
    db,
    replica: replica !== null,
    lagSeconds() {
      if (replica === null) return Promise.resolve(0);
      const now = Date.now();
      if (cached === null || now - cached.at > REPLICA_LAG_CACHE_MS) {
        cached = { at: now, value: readReplicaLagSeconds(db).catch(() => null) };
      }
      return cached.value;
    },
    close: () => replica?.close() ?? Promise.resolve(),
  };
}
