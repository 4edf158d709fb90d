import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@sge/contracts';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian puts the PostgreSQL 15 server binaries (initdb, pg_ctl); PG_BIN overrides it. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and the server refuse to run as root: as root, they run as this user. */
const PG_OS_USER = 'postgres';

/** Runs a PostgreSQL server binary (initdb, pg_ctl, pg_basebackup), as PG_OS_USER when this process is root. */
export async function runPgBin(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const command = join(PG_BIN, bin);
  return userInfo().uid === 0
    ? await run('runuser', ['-u', PG_OS_USER, '--', command, ...args])
    : await run(command, args);
}

/** A new temp directory the server binaries may write (owned by PG_OS_USER when this process is root). */
export async function ownedTempDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', PG_OS_USER]);
    const { stdout: gid } = await run('id', ['-g', PG_OS_USER]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  return dir;
}

export type TOwnPostgres = {
  /** URL of the database `name` given to startOwnPostgres. */
  url: string;
  port: number;
  /** The max_connections it runs with (a streaming replica needs at least as many). */
  maxConnections: number;
  /** Stops the server as a crash would (immediate shutdown: no checkpoint, clients cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and deletes its data directory. */
  destroy(): Promise<void>;
};

/**
 * A throwaway PostgreSQL cluster of its own (initdb in a temp dir, on a free loopback port), so a test can
 * stop and restart *its* server without touching the shared one. fsync is off: the data only has to
 * survive a server crash, not a machine crash. synchronous_commit stays on: a commit is acknowledged only
 * once its WAL reached the kernel, so a crashed server never loses a commit a client was told about.
 */
export async function startOwnPostgres(options: {
  database: string;
  maxConnections?: number;
  /** The port to listen on (default: a free one). */
  port?: number;
}): Promise<TOwnPostgres> {
  const dir = await ownedTempDir('sge-own-pg-');
  const exec = runPgBin;
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = options.port ?? (await freePort());
  const maxConnections = options.maxConnections ?? 200;
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    `-c max_connections=${maxConnections}`,
  ].join(' ');
  const start = async () => {
    await exec('pg_ctl', [
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
  };
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  await start();
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${options.database}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${options.database}`,
    port,
    maxConnections,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
