import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedArchiveFixture, type TArchiveFixture } from '../../test/support/archive-fixtures';
import { openTestPostgres, type TTestDatabase } from '../../test/support/test-database';
import { findRepoRoot } from '../config/repo-root';
import type { TDb } from '../db/client';
import { DEFAULT_PROGRAM_ID } from '../db/migrations/0001-core-schema';
import { verifyArchiveFile } from '../domain/archive/archive-intents';
import { ACCOUNTS } from '../domain/ledger/accounts';
import { postLedgerTransaction } from '../domain/ledger/post-ledger-transaction';

let testDatabase: TTestDatabase;
let db: TDb;
let url: string;
let fixture: TArchiveFixture;

const script = (path: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: findRepoRoot(),
    env: { ...process.env, ENV_FILE: '/nonexistent', MOCK_MODE: 'false', DATABASE_URL: url },
    encoding: 'utf8',
    timeout: 180_000,
  });

async function serverDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    return rows.rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('operations scripts on PostgreSQL', () => {
  beforeAll(async () => {
    testDatabase = await openTestPostgres({ poolMax: 2 });
    db = testDatabase.database.db;
    const row = await db
      .selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name'))
      .executeTakeFirst();
    const admin = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
    admin.pathname = `/${row!.name}`;
    url = admin.toString();
    fixture = await seedArchiveFixture(db, { ageDays: 100 });
    await postLedgerTransaction(db, {
      programId: DEFAULT_PROGRAM_ID,
      reference: 'drill:gas',
      kind: 'gas',
      entries: [
        { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: 21_000n * 10n ** 9n },
        { account: ACCOUNTS.relayer, currency: 'ETH', amount: -(21_000n * 10n ** 9n) },
      ],
    });
  });
  afterAll(async () => {
    await testDatabase.cleanup();
  });

  it('ops:backup-drill dumps, restores into a scratch database, compares every table, verifies the ledger, drops it', async () => {
    const before = await serverDatabases();
    const drill = script('packages/api/src/scripts/backup-drill.ts');
    expect(drill.status, drill.stderr + drill.stdout).toBe(0);
    const report = JSON.parse(drill.stdout);
    expect(report).toMatchObject({ ok: true, mismatches: [], scratchDropped: true });
    const tables = report.tables as { table: string; source: number; restored: number }[];
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['public.intents', 'public.intent_events', 'public.ledger_entries']),
    );
    expect(tables.find((t) => t.table === 'public.intents')).toMatchObject({ source: 15, restored: 15 });
    expect(tables.find((t) => t.table === 'public.ledger_entries')).toMatchObject({ source: 2, restored: 2 });
    expect(report.ledgers).toEqual([
      { programId: DEFAULT_PROGRAM_ID, balanced: true, transactionCount: 1, entryCount: 2 },
    ]);
    expect(report.dumpBytes).toBeGreaterThan(0);
    expect(await serverDatabases()).toEqual(before);
  });

  it('archive: a dry run changes nothing, then a run exports, verifies and deletes; bad arguments are refused', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sge-archive-cli-'));
    try {
      expect(script('packages/api/src/scripts/archive.ts').status).toBe(2);
      expect(
        script('packages/api/src/scripts/archive.ts', '--older-than-days', '0', '--out', out).status,
      ).toBe(2);

      const dry = script(
        'packages/api/src/scripts/archive.ts',
        '--older-than-days',
        '90',
        '--out',
        out,
        '--dry-run',
      );
      expect(dry.status, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({
        status: 'DRY_RUN',
        records: 11,
        intentsDeleted: 8,
        intentsKept: 3,
      });
      expect(readdirSync(out)).toEqual([]);
      expect(
        Number(
          (await db
            .selectFrom('intents')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst())!.n,
        ),
      ).toBe(15);

      const run = script('packages/api/src/scripts/archive.ts', '--older-than-days', '90', '--out', out);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({
        status: 'ARCHIVED',
        records: 11,
        intentsDeleted: 8,
        intentsKept: 3,
        eventsDeleted: 22,
      });
      expect(await verifyArchiveFile(result.file)).toMatchObject({ records: 11, sha256: result.sha256 });
      const remaining = await db.selectFrom('intents').select('id').execute();
      expect(remaining.map((r) => r.id).sort()).toEqual([...fixture.settled, ...fixture.untouched].sort());

      const again = script('packages/api/src/scripts/archive.ts', '--older-than-days', '90', '--out', out);
      expect(JSON.parse(again.stdout)).toMatchObject({ status: 'NOTHING_TO_ARCHIVE' });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('archive: an unwritable output (under a file) exits 1 and deletes nothing', async () => {
    const count = async () =>
      Number(
        (await db
          .selectFrom('intent_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst())!.n,
      );
    const before = await count();
    const failed = script(
      'packages/api/src/scripts/archive.ts',
      '--older-than-days',
      '1',
      '--out',
      '/etc/hostname/archive',
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/nothing deleted/);
    expect(await count()).toBe(before);
  });
});
