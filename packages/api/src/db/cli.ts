import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDataDirLock } from '../config/data-dir-lock';
import { ConfigError, loadConfig } from '../config/load-config';
import { findRepoRoot } from '../config/repo-root';
import { openDatabase } from './client';
import { appliedMigrations, dropEverything, migrateToLatest, rollbackOne } from './migrate';

/**
 * `npm run db:migrate | db:rollback | db:reset [-- --yes]`
 * Mock mode (MOCK_MODE unset or true): the embedded database in DATA_DIR; `db:reset` wipes DATA_DIR
 * entirely (database and local chain state). Real mode: PostgreSQL at DATABASE_URL (only that variable
 * is needed); `db:reset` drops every table, then migrates, and in Production needs `--yes`.
 */
async function main() {
  const command = process.argv[2];
  const confirmed = process.argv.includes('--yes');
  if (!['migrate', 'rollback', 'reset', 'status'].includes(command ?? '')) {
    process.stderr.write('usage: db/cli.ts migrate | rollback | reset [--yes] | status\n');
    process.exit(2);
  }
  const envFile = process.env.ENV_FILE ?? join(findRepoRoot(), 'packages', 'api', '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  // The database commands need only the database settings, so a deploy step can run with DATABASE_URL alone.
  const mockMode = !/^(false|0|no)$/i.test(process.env.MOCK_MODE?.trim() ?? 'true');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(
      mockMode
        ? process.env
        : {
            MOCK_MODE: 'false',
            NODE_ENV: process.env.NODE_ENV,
            DATABASE_URL: process.env.DATABASE_URL,
            DATABASE_URL_FILE: process.env.DATABASE_URL_FILE,
            // Placeholders for what the database commands never use.
            REDIS_URL: 'redis://unused',
            RPC_URL: 'http://unused',
            RELAYER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
            TREASURY_ADDRESS: `0x${'22'.repeat(20)}`,
            ADMIN_API_KEYS: 'unused:unused-admin-key-for-db-cli',
          },
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  if (config.mockMode && command === 'reset') {
    const release = acquireDataDirLock(config.dataDir, 'db:reset');
    release();
    rmSync(config.dataDir, { recursive: true, force: true });
    process.stdout.write(`Mock data wiped: ${config.dataDir} (database and local chain state)\n`);
    return;
  }
  if (command === 'reset' && config.mode === 'PRODUCTION' && !confirmed) {
    process.stderr.write(
      'db:reset drops every table. In Production, run it with --yes if you really mean it.\n',
    );
    process.exit(1);
  }

  let release: (() => void) | null = null;
  if (config.mockMode) release = acquireDataDirLock(config.dataDir, `db:${command}`);
  const database = config.mockMode
    ? await openDatabase({ kind: 'pglite', dataDir: join(config.dataDir, 'pglite') })
    : await openDatabase({ kind: 'postgres', url: config.database.url!, poolMax: 2 });
  const where = config.mockMode ? `embedded database in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
  try {
    if (command === 'reset') {
      await dropEverything(database.db);
      process.stdout.write(`Dropped every table in ${where}\n`);
    }
    if (command === 'migrate' || command === 'reset') {
      const steps = await migrateToLatest(database.db);
      if (steps.length === 0) process.stdout.write(`Schema is up to date (${where})\n`);
      for (const step of steps) process.stdout.write(`applied ${step.name} (${where})\n`);
    } else if (command === 'rollback') {
      const steps = await rollbackOne(database.db);
      if (steps.length === 0) process.stdout.write(`Nothing to roll back (${where})\n`);
      for (const step of steps) process.stdout.write(`rolled back ${step.name} (${where})\n`);
    } else if (command === 'status') {
      process.stdout.write(`applied: ${(await appliedMigrations(database.db)).join(', ') || '(none)'}\n`);
    }
  } finally {
    await database.close();
    release?.();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
