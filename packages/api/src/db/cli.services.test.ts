import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../test/support/postgres';
import { findRepoRoot } from '../config/repo-root';
import { openDatabase } from './client';
import { migrationStatus } from './migrate';
import { MIGRATIONS } from './migrations';

let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
const names = Object.keys(MIGRATIONS);

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/db/cli.ts', ...args], {
    cwd: findRepoRoot(),
    env: { ...process.env, ENV_FILE: '/nonexistent', MOCK_MODE: 'false', DATABASE_URL: postgres.url },
    encoding: 'utf8',
    timeout: 120_000,
  });

async function status() {
  const database = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 1 });
  try {
    return await migrationStatus(database.db);
  } finally {
    await database.close();
  }
}

describe('database CLI on PostgreSQL (deploy and rollback commands)', () => {
  beforeAll(async () => {
    postgres = await createTestPostgres();
  });
  afterAll(async () => {
    await postgres.drop();
  });

  it('lists pending migrations (status --check exits 3, migrate --dry-run applies nothing), then migrates', async () => {
    const before = cli('status', '--check');
    expect(before.status).toBe(3);
    expect(before.stdout).toContain(`pending: ${names.join(', ')}`);
    const dryRun = cli('migrate', '--dry-run');
    expect(dryRun.status).toBe(0);
    for (const name of names) expect(dryRun.stdout).toContain(`would apply ${name}`);
    expect((await status()).applied).toEqual([]);

    const migrated = cli('migrate');
    expect(migrated.status, migrated.stderr).toBe(0);
    for (const name of names) expect(migrated.stdout).toContain(`applied ${name}`);
    const after = cli('status', '--check');
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('pending: (none)');
    expect(cli('migrate', '--dry-run').stdout).toContain('nothing to apply');
  });

  it('rolls back down to a named migration, which stays applied, and migrates up again', async () => {
    const target = '0002-relayer';
    const rolled = cli('rollback', '--to', target);
    expect(rolled.status, rolled.stderr).toBe(0);
    const undone = names.slice(names.indexOf(target) + 1).reverse();
    expect(rolled.stdout.trim().split('\n')).toEqual(
      undone.map((n) => `rolled back ${n} (PostgreSQL at DATABASE_URL)`),
    );
    expect(await status()).toEqual({
      applied: names.slice(0, names.indexOf(target) + 1),
      pending: names.slice(names.indexOf(target) + 1),
      unknown: [],
    });
    expect(cli('rollback', '--to', target).stdout).toContain('Nothing to roll back');
    expect(cli('migrate').status).toBe(0);
    expect((await status()).pending).toEqual([]);
  });

  it('refuses a name that is not applied, and an unknown option, changing nothing', async () => {
    const unknown = cli('rollback', '--to', '9999-nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('9999-nope is not an applied migration');
    expect(cli('rollback', '--steps', '2').status).toBe(2);
    expect((await status()).applied).toEqual(names);
  });

  it('refuses to roll back a database carrying a migration this release does not know', async () => {
    const database = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 1 });
    try {
      await database.db
        .insertInto('schema_migrations' as never)
        .values({ name: '9999-from-a-newer-release', timestamp: new Date().toISOString() } as never)
        .execute();
      const refused = cli('rollback', '--to', names[0]!);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('9999-from-a-newer-release');
      expect(cli('status').stdout).toContain('unknown to this release: 9999-from-a-newer-release');
      expect((await status()).applied).toEqual(names);
    } finally {
      await database.db
        .deleteFrom('schema_migrations' as never)
        .where('name' as never, '=', '9999-from-a-newer-release' as never)
        .execute();
      await database.close();
    }
  });
});
