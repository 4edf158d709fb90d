import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCliConfig, openCliDatabase } from '../db/open-cli-database';
import { ArchiveVerificationError, archiveIntents } from '../domain/archive/archive-intents';
import { s3ArchiveStore } from '../storage/s3-archive-store';

const USAGE = `usage: npm run archive -- --older-than-days N [--out DIR] [--limit N] [--dry-run]
  Exports CONFIRMED/FAILED intents created and last changed more than N days ago (with their events) to a
  gzip JSONL file in DIR (default: ARCHIVE_URL's file:// directory, else ./archive), verifies it by reading it
  back, then deletes what it exported. With ARCHIVE_URL=s3://bucket/prefix the verified file is put in the
  bucket, read back and verified there, and only then are rows deleted (DIR, default a temporary directory,
  holds it meanwhile). Registrations whose settlement reconciliation verified leave with their settlement;
  other intents that settlements or payout batches reference stay, and only their events are archived.
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
  let temporaryDir: string | null = null;
  try {
    const { target } = config.archive;
    const store = target.kind === 's3' ? s3ArchiveStore(config.archive) : undefined;
    // With a bucket, the file waits in a temporary directory until its stored copy is verified.
    temporaryDir =
      target.kind === 's3' && values.out === undefined ? mkdtempSync(join(tmpdir(), 'sge-archive-')) : null;
    const defaultOut = temporaryDir ?? (target.kind === 'file' ? target.dir : null) ?? 'archive';
    const result = await archiveIntents(database.db, {
      olderThanDays,
      // npm runs workspace scripts in packages/api; a relative --out is relative to where npm was started.
      outDir: resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? defaultOut),
      dryRun: values['dry-run'] ?? false,
      intentsMax: limit,
      store,
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
    // Kept when a stored copy did not verify: the file in it is then the one verified copy.
    if (temporaryDir !== null && readdirSync(temporaryDir).length === 0)
      rmSync(temporaryDir, { recursive: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
