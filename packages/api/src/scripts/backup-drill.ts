import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../db/client';
import { loadCliConfig } from '../db/open-cli-database';
import { verifyLedger } from '../domain/ledger/verify-ledger';

/**
 * `npm run ops:backup-drill [-- --keep-dump DIR]` (built: `node packages/api/dist/backup-drill.js`): proves that
 * a backup of the database at DATABASE_URL restores. Needs `pg_dump` and `pg_restore` (same major version as
 * the server or newer) on PATH, and a role that may create databases.
 *
 * 1. Opens a REPEATABLE READ transaction on the source, exports its snapshot, and counts every table's rows in
 *    it; `pg_dump --format=custom --snapshot=<it>` dumps exactly that state, so counts compare exactly even
 *    while the platform keeps writing.
 * 2. Creates a scratch database `<source>_drill_<hex>` on the same server and `pg_restore`s the dump into it.
 * 3. Counts every table of the restored copy and runs the ledger verification (every program) on it.
 * 4. Drops the scratch database and deletes the dump (unless --keep-dump).
 * Prints one JSON object; exit 0 when every count matches and every ledger is balanced, 1 otherwise.
 */
type TTableCount = { table: string; source: number; restored: number | null };

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { 'keep-dump': { type: 'string' } },
    strict: true,
  });
  const config = loadCliConfig();
  if (config.mockMode || !config.database.url) {
    process.stderr.write('The backup drill needs PostgreSQL: set MOCK_MODE=false and DATABASE_URL.\n');
    process.exit(1);
  }
  const sourceUrl = config.database.url;
  const started = Date.now();
  const dumpDir = values['keep-dump']
    ? resolve(process.env.INIT_CWD ?? process.cwd(), values['keep-dump'])
    : mkdtempSync(join(tmpdir(), 'sge-backup-drill-'));
  const sourceName = decodeURIComponent(new URL(sourceUrl).pathname.slice(1));
  const scratchName = `${sourceName}_drill_${randomBytes(4).toString('hex')}`.slice(0, 63);
  const scratchUrl = new URL(sourceUrl);
  scratchUrl.pathname = `/${scratchName}`;
  // The password goes to pg_dump/pg_restore in PGPASSWORD, never on their command line (visible in ps).
  const toolEnv = { ...process.env, PGPASSWORD: decodeURIComponent(new URL(sourceUrl).password) };
  const withoutPassword = (url: URL) => {
    const copy = new URL(url);
    copy.password = '';
    return copy.toString();
  };
  const dumpFile = join(dumpDir, `${sourceName}-${new Date().toISOString().replace(/[-:.]/g, '')}.dump`);

  const report: Record<string, unknown> = { ok: false, database: sourceName, scratchDatabase: scratchName };
  const source = new pg.Client({ connectionString: sourceUrl, application_name: 'sge-backup-drill' });
  await source.connect();
  let scratchCreated = false;
  try {
    // 1. A consistent snapshot: counts and dump see the same state.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await source.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    const tables = await listTables(source);
    const counts: TTableCount[] = [];
    for (const table of tables)
      counts.push({ table, source: await countRows(source, table), restored: null });
    await run(
      'pg_dump',
      [
        '--format=custom',
        `--snapshot=${snapshot}`,
        `--file=${dumpFile}`,
        `--dbname=${withoutPassword(new URL(sourceUrl))}`,
      ],
      toolEnv,
    );
    await source.query('COMMIT');
    report.dumpFile = values['keep-dump'] ? dumpFile : null;
    report.dumpBytes = statSync(dumpFile).size;

    // 2. Restore into a scratch database.
    await source.query(`CREATE DATABASE ${pg.escapeIdentifier(scratchName)}`);
    scratchCreated = true;
    await run(
      'pg_restore',
      [
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        `--dbname=${withoutPassword(scratchUrl)}`,
        dumpFile,
      ],
      toolEnv,
    );

    // 3. Compare and verify the restored copy.
    const restored = new pg.Client({ connectionString: scratchUrl.toString() });
    await restored.connect();
    try {
      const restoredTables = new Set(await listTables(restored));
      for (const count of counts) {
        count.restored = restoredTables.has(count.table) ? await countRows(restored, count.table) : null;
      }
    } finally {
      await restored.end();
    }
    const copy = await openDatabase({ kind: 'postgres', url: scratchUrl.toString(), poolMax: 2 });
    const ledgers: { programId: string; balanced: boolean; transactionCount: number; entryCount: number }[] =
      [];
    try {
      const programs = await copy.db.selectFrom('programs').select('id').orderBy('id').execute();
      for (const { id } of programs) {
        const verification = await verifyLedger(copy.db, id);
        ledgers.push({
          programId: id,
          balanced: verification.balanced,
          transactionCount: verification.transactionCount,
          entryCount: verification.entryCount,
        });
      }
    } finally {
      await copy.close();
    }
    const mismatches = counts.filter((c) => c.restored !== c.source);
    report.tables = counts;
    report.rowsTotal = counts.reduce((sum, c) => sum + c.source, 0);
    report.mismatches = mismatches;
    report.ledgers = ledgers;
    report.ok = mismatches.length === 0 && ledgers.every((l) => l.balanced);
  } catch (error) {
    report.error = (error as Error).message;
    await source.query('ROLLBACK').catch(() => {});
  } finally {
    // 4. Clean up.
    if (scratchCreated) {
      await source
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchName)} WITH (FORCE)`)
        .then(() => {
          report.scratchDropped = true;
        })
        .catch((error: Error) => {
          report.scratchDropped = false;
          report.dropError = error.message;
          report.ok = false;
        });
    }
    await source.end();
    if (!values['keep-dump']) rmSync(dumpDir, { recursive: true, force: true });
  }
  report.durationMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

async function listTables(client: pg.Client): Promise<string[]> {
  const rows = await client.query<{ name: string }>(`
    SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`);
  return rows.rows.map((r) => r.name);
}

async function countRows(client: pg.Client, table: string): Promise<number> {
  // The name comes from pg_tables, already quoted by quote_ident.
  const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows.rows[0]!.n);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', (error) =>
      reject(new Error(`${command} could not start (${error.message}); install the PostgreSQL client tools`)),
    );
    child.once('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
