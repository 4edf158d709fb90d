import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { acquireDataDirLock } from '../config/data-dir-lock';
import { dropEverything, migrateToLatest, migrationStatus, rollbackOne, rollbackTo } from './migrate';
import { loadCliConfig, openCliDatabase } from './open-cli-database';

const USAGE = `usage: db/cli.ts <command>
  migrate [--dry-run]     apply every pending migration (--dry-run: list them, change nothing)
  rollback [--to NAME]    roll back the last migration, or every one after NAME (NAME stays applied)
  status [--check]        applied, pending and unknown migrations (--check: exit 3 when some are pending)
  reset [--yes]           drop everything and migrate again (Production needs --yes)
`;

/**
 * `npm run db:migrate | db:rollback | db:status | db:reset [-- options]`
 * Mock mode (MOCK_MODE unset or true): the embedded database in DATA_DIR; `db:reset` wipes DATA_DIR
 * entirely (database and local chain state). Real mode: PostgreSQL at DATABASE_URL (only that variable
 * is needed); `db:reset` drops every table, then migrates, and in Production needs `--yes`.
 * The built copy (`node packages/api/dist/db-cli.js`, `npm run db:migrate:deploy`) takes the same arguments.
 */
async function main() {
  const command = process.argv[2] ?? '';
  let values: { yes?: boolean; 'dry-run'?: boolean; to?: string; check?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(3),
      options: {
        yes: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        to: { type: 'string' },
        check: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (!['migrate', 'rollback', 'reset', 'status'].includes(command)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const config = loadCliConfig();

  if (config.mockMode && command === 'reset') {
    const release = acquireDataDirLock(config.dataDir, 'db:reset');
    release();
    rmSync(config.dataDir, { recursive: true, force: true });
    process.stdout.write(`Mock data wiped: ${config.dataDir} (database and local chain state)\n`);
    return;
  }
  if (command === 'reset' && config.mode === 'PRODUCTION' && !values.yes) {
    process.stderr.write(
      'db:reset drops every table. In Production, run it with --yes if you really mean it.\n',
    );
    process.exit(1);
  }

  const { database, where, close } = await openCliDatabase(config, `db:${command}`);
  let exitCode = 0;
  try {
    if (command === 'reset') {
      await dropEverything(database.db);
      process.stdout.write(`Dropped every table in ${where}\n`);
    }
    if (command === 'migrate' && values['dry-run']) {
      const { pending, unknown } = await migrationStatus(database.db);
      if (unknown.length > 0) process.stdout.write(`unknown to this release: ${unknown.join(', ')}\n`);
      if (pending.length === 0) process.stdout.write(`Schema is up to date (${where}); nothing to apply\n`);
      for (const name of pending) process.stdout.write(`would apply ${name} (${where})\n`);
    } else if (command === 'migrate' || command === 'reset') {
      const steps = await migrateToLatest(database.db);
      if (steps.length === 0) process.stdout.write(`Schema is up to date (${where})\n`);
      for (const step of steps) process.stdout.write(`applied ${step.name} (${where})\n`);
    } else if (command === 'rollback') {
      const steps = values.to ? await rollbackTo(database.db, values.to) : await rollbackOne(database.db);
      if (steps.length === 0) process.stdout.write(`Nothing to roll back (${where})\n`);
      for (const step of steps) process.stdout.write(`rolled back ${step.name} (${where})\n`);
    } else if (command === 'status') {
      const { applied, pending, unknown } = await migrationStatus(database.db);
      process.stdout.write(`applied: ${applied.join(', ') || '(none)'}\n`);
      process.stdout.write(`pending: ${pending.join(', ') || '(none)'}\n`);
      if (unknown.length > 0) process.stdout.write(`unknown to this release: ${unknown.join(', ')}\n`);
      if (values.check && pending.length > 0) exitCode = 3;
    }
  } finally {
    await close();
  }
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
