import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCliConfig, openCliDatabase } from '../db/open-cli-database';
import { ArchiveVerificationError, archiveIntents } from '../domain/archive/archive-intents';

const USAGE = `usage: npm run archive -- --older-than-days N [--out DIR] [--limit N] [--dry-run]
  Exports CONFIRMED/FAILED intents created and last changed more than N days ago (with their events) to a
  gzip JSONL file in DIR (default ./archive), verifies it by reading it back, then deletes what it exported.
  Intents that settlements or payout batches reference stay; only their events are archived.
`;

/**
 * `npm run archive -- --older-than-days 90 --out /var/lib/sge/archive` (built: `node packages/api/dist/archive.js`).
 * Prints one JSON line with the result (see TArchiveResult). Exit 0: archived, nothing to archive, or dry run;
 * 1: the export failed or did not verify (nothing deleted); 2: bad arguments.
 */
async function main() {
  let values: { 'older-than-days'?: string; out?: string; limit?: string; 'dry-run'?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        'older-than-days': { type: 'string' },
        out: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const olderThanDays = Number(values['older-than-days']);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (!/^\d+$/.test(values['older-than-days'] ?? '') || (limit !== undefined && !Number.isInteger(limit))) {
    process.stderr.write(`--older-than-days (and --limit) must be whole numbers\n${USAGE}`);
    process.exit(2);
  }
  const config = loadCliConfig();
  const { database, close } = await openCliDatabase(config, 'archive');
  try {
    const result = await archiveIntents(database.db, {
      olderThanDays,
      // npm runs workspace scripts in packages/api; a relative --out is relative to where npm was started.
      outDir: resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? 'archive'),
      dryRun: values['dry-run'] ?? false,
      intentsMax: limit,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    if (error instanceof RangeError) {
      process.stderr.write(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof ArchiveVerificationError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
