import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { ownedTempDir, runPgBin, type TOwnPostgres } from './own-postgres';

/**
 * Fixed loopback ports the read-replica tests may use (this test's own range, so two servers started by one
 * test never race another test for a port). A port found busy is skipped.
 */
export const REPLICA_TEST_PORT_MIN = 41_300;
export const REPLICA_TEST_PORT_MAX = 41_399;

/** A port of REPLICA_TEST_PORT_MIN..MAX that nothing listens on now, from a random start. */
export async function replicaTestPort(): Promise<number> {
  const span = REPLICA_TEST_PORT_MAX - REPLICA_TEST_PORT_MIN + 1;
  const first = Math.floor(Math.random() * span);
  for (let offset = 0; offset < span; offset++) {
    const port = REPLICA_TEST_PORT_MIN + ((first + offset) % span);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${REPLICA_TEST_PORT_MIN}..${REPLICA_TEST_PORT_MAX}`);
}

export type TOwnReplica = {
  /** URL of the replica's copy of the primary's database. */
  url: string;
  port: number;
  /** Stops replaying WAL (pg_wal_replay_pause): the replica falls behind while the primary writes. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when this was called. */
  waitForCatchUp(timeoutMs?: number): Promise<void>;
  /** Stops the server (immediate shutdown). */
  stop(): Promise<void>;
  destroy(): Promise<void>;
};

/** How often waitForCatchUp compares the primary's and the replica's WAL positions. */
const CATCH_UP_POLL_MS = 50;

/**
 * A streaming replica of `primary` (a PostgreSQL 15 server of test/support/own-postgres.ts): `pg_basebackup -R`
 * copies the primary and writes primary_conninfo and standby.signal, and the copy starts as a hot standby on
 * `port`. It serves reads of `database` and refuses every write, as a production read replica does.
 */
export async function startOwnReplica(
  primary: TOwnPostgres,
  options: { database: string; port: number },
): Promise<TOwnReplica> {
  const dir = await ownedTempDir('sge-own-replica-');
  const data = join(dir, 'data');
  await runPgBin('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    '--no-sync',
  ]);
  const serverOptions = [
    `-p ${options.port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c hot_standby=on',
    // A standby refuses to start with fewer connections than its primary allows.
    `-c max_connections=${primary.maxConnections}`,
  ].join(' ');
  await runPgBin('pg_ctl', [
    '-D',
    data,
    '-o',
    serverOptions,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  const url = `postgresql://postgres@127.0.0.1:${options.port}/${options.database}`;
  const stop = async () => {
    await runPgBin('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  const query = async <R extends pg.QueryResultRow>(target: string, text: string): Promise<R[]> => {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url,
    port: options.port,
    pauseReplay: async () => void (await query(url, 'SELECT pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(url, 'SELECT pg_wal_replay_resume()')),
    async waitForCatchUp(timeoutMs = 30_000) {
      const [current] = await query<{ lsn: string }>(primary.url, 'SELECT pg_current_wal_lsn()::text AS lsn');
      const lsn = current!.lsn;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ behind: boolean }>(
          url,
          `SELECT coalesce(pg_last_wal_replay_lsn() < '${lsn}'::pg_lsn, true) AS behind`,
        );
        if (!row?.behind) return;
        if (Date.now() > deadline)
          throw new Error(`the replica did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
      }
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
