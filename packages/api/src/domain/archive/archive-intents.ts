import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import {
  ARCHIVE_BATCH_SIZE,
  ARCHIVE_INTENTS_PER_RUN_MAX,
  ARCHIVE_OLDER_THAN_DAYS_MAX,
  ARCHIVE_OLDER_THAN_DAYS_MIN,
} from './archive-limits';
import type { TArchiveStore } from './archive-store';
import { ARCHIVE_FORMAT, verifyArchiveFile, verifyArchiveStream } from './verify-archive';

/**
 * The intent archive: moves finished intents (CONFIRMED or FAILED, created and last changed before the cutoff)
 * out of the database into a gzip JSONL file, and deletes them only once that file is on disk (fsynced) and has
 * been read back and verified.
 *
 * What is archived. An intent that no other row references (other than its own intent_events) is exported with
 * its events and deleted. An intent that another row references — its settlement (settlements.intent_id), a
 * payout batch (payout_batches.intent_id), or any foreign key to intents added later (found in the catalog at
 * run time) — stays, because the settlement is the permanent financial record that the ledger
 * (`settlement:<id>`), the commissions and reconciliation point at; its intent_events (the bulk: one row per
 * status change) are exported and deleted, and the intent row keeps its status and timestamps. PENDING and
 * PROCESSING intents are never selected.
 *
 * File format (`sge-intent-archive/1`), one JSON object per line:
 *   {"kind":"intent","intent":{…every column…},"events":[…]}   the intent and its events were deleted
 *   {"kind":"events","intent":{…},"events":[…]}                the intent stays; its events were deleted
 *   {"kind":"trailer","format":"sge-intent-archive/1","records":N,"sha256":"<hex>","cutoff":"…","createdAt":"…"}
 * Rows are PostgreSQL's own JSON of the row (`to_jsonb`: exact timestamps, payloads verbatim). `sha256` is the
 * SHA-256 of every byte before the trailer line (uncompressed), so a copy can be checked later on its own.
 * File name: `sge-intents-<createdAt yyyymmddThhmmssZ>-<random hex>.jsonl.gz`, written as `<name>.partial`,
 * fsynced, renamed, and the directory fsynced.
 *
 * Deleting. After verification (record count, checksum, the exported ids in order, the trailer), rows are
 * deleted in transactions of ARCHIVE_BATCH_SIZE intents. Each transaction locks its intents (FOR UPDATE, which
 * also keeps any new row from referencing them) and skips any intent that changed since it was exported (status,
 * updated_at, events, or newly referenced): such an intent stays in the database and is reported. A crash
 * between two delete transactions leaves the rest in the database; the next run exports them again into a new
 * file (archive files may overlap; a record's intent id identifies it).
 */
export { ARCHIVE_FORMAT, verifyArchiveFile, verifyArchiveStream } from './verify-archive';

export type TArchiveOptions = {
  olderThanDays: number;
  outDir: string;
  dryRun?: boolean;
  /** Most intents this run exports (default and maximum ARCHIVE_INTENTS_PER_RUN_MAX). */
  intentsMax?: number;
  now?: Date;
  /** Opens the file the archive is written to (default: create, never overwrite). Tests inject failing disks. */
  openFile?: (path: string) => Promise<FileHandle>;
  /** Runs after the file is written and synced, before it is read back. Tests corrupt the file here. */
  afterWrite?: (path: string) => Promise<void>;
  /**
   * An object store (ARCHIVE_URL=s3://…) the verified file goes to; `outDir` then only holds it until the
   * stored copy has been read back and verified, and is removed after. Without it the file stays in `outDir`.
   */
  store?: TArchiveStore;
  /** Runs after the file is stored, before it is read back from the store. Tests corrupt the object here. */
  afterStore?: (name: string) => Promise<void>;
};

export type TArchiveResult = {
  status: 'ARCHIVED' | 'NOTHING_TO_ARCHIVE' | 'DRY_RUN';
  cutoff: string;
  file: string | null;
  sha256: string | null;
  /** Records in the file (intents exported), not counting the trailer. */
  records: number;
  /** Intents deleted with their events. */
  intentsDeleted: number;
  /** Intents kept because other rows reference them; their events were archived. */
  intentsKept: number;
  eventsDeleted: number;
  /** Exported intents that changed before they could be deleted: still in the database (and in the file). */
  changedSinceExport: string[];
  /** Tables whose rows keep an intent in the database (foreign keys to intents). */
  referencingTables: string[];
};

/** The export failed or did not verify: nothing was deleted. */
export class ArchiveVerificationError extends Error {
  override name = 'ArchiveVerificationError';
}

type TFingerprint = {
  id: string;
  kind: 'intent' | 'events';
  status: string;
  updatedAt: string;
  eventIds: number[];
};
type TCandidate = TFingerprint & { row: Record<string, unknown>; events: Record<string, unknown>[] };
type TReference = { table: string; column: string };

/**
 * Archives finished intents older than `olderThanDays` days.
 *
 * @example
 * const result = await archiveIntents(db, { olderThanDays: 90, outDir: '/var/lib/sge/archive' });
 * // result.file: the verified .jsonl.gz; result.intentsDeleted, result.eventsDeleted
 */
export async function archiveIntents(
  db: Kysely<Database>,
  options: TArchiveOptions,
): Promise<TArchiveResult> {
  if (
    !Number.isInteger(options.olderThanDays) ||
    options.olderThanDays < ARCHIVE_OLDER_THAN_DAYS_MIN ||
    options.olderThanDays > ARCHIVE_OLDER_THAN_DAYS_MAX
  ) {
    throw new RangeError(
      `olderThanDays must be an integer ${ARCHIVE_OLDER_THAN_DAYS_MIN}..${ARCHIVE_OLDER_THAN_DAYS_MAX} (got ${options.olderThanDays})`,
    );
  }
  const intentsMax = Math.min(options.intentsMax ?? ARCHIVE_INTENTS_PER_RUN_MAX, ARCHIVE_INTENTS_PER_RUN_MAX);
  if (!Number.isInteger(intentsMax) || intentsMax < 1) throw new RangeError('intentsMax must be ≥ 1');
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanDays * 86_400_000);
  const references = await intentReferences(db);
  const result: TArchiveResult = {
    status: 'NOTHING_TO_ARCHIVE',
    cutoff: cutoff.toISOString(),
    file: null,
    sha256: null,
    records: 0,
    intentsDeleted: 0,
    intentsKept: 0,
    eventsDeleted: 0,
    changedSinceExport: [],
    referencingTables: [...new Set(references.map((r) => r.table))],
  };

  if (options.dryRun) {
    for await (const batch of candidateBatches(db, cutoff, references, intentsMax)) {
      for (const candidate of batch) {
        result.records += 1;
        if (candidate.kind === 'intent') result.intentsDeleted += 1;
        else result.intentsKept += 1;
        result.eventsDeleted += candidate.eventIds.length;
      }
    }
    result.status = 'DRY_RUN';
    return result;
  }

  // 1. Export to <name>.partial, fsync, rename, fsync the directory.
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(options.outDir, `sge-intents-${stamp}-${randomBytes(4).toString('hex')}.jsonl.gz`);
  const partial = `${file}.partial`;
  const exported: TFingerprint[] = [];
  const digest = createHash('sha256');
  async function* lines(): AsyncGenerator<string> {
    for await (const batch of candidateBatches(db, cutoff, references, intentsMax)) {
      let chunk = '';
      for (const { row, events, ...fingerprint } of batch) {
        const line = `${JSON.stringify({ kind: fingerprint.kind, intent: row, events })}\n`;
        digest.update(line, 'utf8');
        exported.push(fingerprint);
        chunk += line;
      }
      yield chunk;
    }
  }
  let sha256 = '';
  let writeError: Error | undefined;
  try {
    await mkdir(options.outDir, { recursive: true });
    const handle = await (options.openFile ?? ((path: string) => open(path, 'wx')))(partial);
    try {
      const trailer = async function* () {
        yield* lines();
        sha256 = digest.digest('hex');
        const record = {
          kind: 'trailer',
          format: ARCHIVE_FORMAT,
          records: exported.length,
          sha256,
          cutoff: cutoff.toISOString(),
          createdAt: now.toISOString(),
        };
        yield `${JSON.stringify(record)}\n`;
      };
      // pipeline() may reject with the AbortError it used to stop the other stages rather than with the disk's
      // own error (ENOSPC, EIO), depending on which stage settles first; the disk's error is the one to report.
      await pipeline(Readable.from(trailer()), createGzip(), async (compressed: AsyncIterable<Buffer>) => {
        for await (const chunk of compressed) {
          await handle.write(chunk).catch((error: unknown) => {
            writeError ??= error as Error;
            throw error;
          });
        }
      });
      await handle.sync();
    } finally {
      await handle.close().catch(() => {});
    }
    if (exported.length === 0) {
      await rm(partial, { force: true });
      return result;
    }
    await rename(partial, file);
    const directory = await open(options.outDir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch (caught) {
    const error = writeError ?? (caught as Error);
    await rm(partial, { force: true }).catch(() => {});
    throw new ArchiveVerificationError(`writing the archive failed, nothing deleted: ${error.message}`, {
      cause: error,
    });
  }

  // 2. Read it back and verify, before deleting anything.
  await options.afterWrite?.(file);
  try {
    await verifyArchiveFile(file, { sha256, ids: exported.map((e) => e.id) });
  } catch (error) {
    await rm(file, { force: true }).catch(() => {});
    throw new ArchiveVerificationError(
      `the archive did not verify, nothing deleted (file removed): ${(error as Error).message}`,
      { cause: error },
    );
  }
  result.file = file;
  if (options.store) {
    result.file = await storeVerified(options.store, file, {
      sha256,
      ids: exported.map((e) => e.id),
      afterStore: options.afterStore,
    });
  }
  result.sha256 = sha256;
  result.records = exported.length;

  // 3. Delete in bounded transactions, skipping whatever changed since the export.
  for (let start = 0; start < exported.length; start += ARCHIVE_BATCH_SIZE) {
    const batch = exported.slice(start, start + ARCHIVE_BATCH_SIZE);
    const outcome = await db.transaction().execute((tx) => deleteExported(tx, batch, references));
    result.intentsDeleted += outcome.intentsDeleted;
    result.intentsKept += outcome.intentsKept;
    result.eventsDeleted += outcome.eventsDeleted;
    result.changedSinceExport.push(...outcome.changed);
  }
  result.status = 'ARCHIVED';
  return result;
}

/**
 * Puts a verified local archive file into the store, reads the stored object back and verifies it the same way,
 * then removes the local file. Any failure removes the object (and keeps the local file) and deletes nothing.
 */
async function storeVerified(
  store: TArchiveStore,
  file: string,
  expected: { sha256: string; ids: string[]; afterStore?: (name: string) => Promise<void> },
): Promise<string> {
  const name = basename(file);
  let url: string;
  try {
    url = await store.put(file, name);
    await expected.afterStore?.(name);
    await verifyArchiveStream(await store.get(name), expected);
  } catch (error) {
    await store.remove(name).catch(() => {});
    throw new ArchiveVerificationError(
      `the copy in ${store.location} did not verify, nothing deleted (the local file ${file} stays): ${(error as Error).message}`,
      { cause: error },
    );
  }
  await rm(file, { force: true });
  return url;
}

/** Foreign keys to intents from any table but intent_events, read from the catalog. */
async function intentReferences(db: Kysely<Database>): Promise<TReference[]> {
  const rows = await sql<TReference>`
    SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS table, quote_ident(a.attname) AS column
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND c.confrelid = 'intents'::regclass AND c.conrelid <> 'intent_events'::regclass
     ORDER BY 1, 2`.execute(db);
  return rows.rows;
}

function referencedExpression(references: TReference[]) {
  if (references.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    references.map(
      (r) => sql`EXISTS (SELECT 1 FROM ${sql.raw(r.table)} r WHERE r.${sql.raw(r.column)} = i.id)`,
    ),
    sql` OR `,
  )})`;
}

/**
 * Finished intents older than the cutoff in batches of ARCHIVE_BATCH_SIZE, by id (keyset), with their events.
 * Referenced intents without events are left out: there is nothing of them to archive.
 */
async function* candidateBatches(
  db: Kysely<Database>,
  cutoff: Date,
  references: TReference[],
  intentsMax: number,
): AsyncGenerator<TCandidate[]> {
  let afterId = '00000000-0000-0000-0000-000000000000';
  let taken = 0;
  while (taken < intentsMax) {
    const limit = Math.min(ARCHIVE_BATCH_SIZE, intentsMax - taken);
    const rows = await sql<{
      id: string;
      status: string;
      updated_at: string;
      referenced: boolean;
      has_events: boolean;
      row: Record<string, unknown>;
    }>`
      SELECT i.id, i.status, i.updated_at::text AS updated_at, ${referencedExpression(references)} AS referenced,
             EXISTS (SELECT 1 FROM intent_events e WHERE e.intent_id = i.id) AS has_events, to_jsonb(i) AS row
        FROM intents i
       WHERE i.status IN ('CONFIRMED', 'FAILED') AND i.created_at < ${cutoff} AND i.updated_at < ${cutoff}
         AND i.id > ${afterId}
       ORDER BY i.id
       LIMIT ${limit}`.execute(db);
    if (rows.rows.length === 0) return;
    afterId = rows.rows[rows.rows.length - 1]!.id;
    const selected = rows.rows.filter((r) => !r.referenced || r.has_events);
    const events = await eventsOf(
      db,
      selected.map((r) => r.id),
    );
    const batch = selected.map(
      (r): TCandidate => ({
        id: r.id,
        kind: r.referenced ? 'events' : 'intent',
        status: r.status,
        updatedAt: r.updated_at,
        row: r.row,
        events: events.get(r.id) ?? [],
        eventIds: (events.get(r.id) ?? []).map((e) => e.id as number),
      }),
    );
    taken += batch.length;
    if (batch.length > 0) yield batch;
    if (rows.rows.length < limit) return;
  }
}

async function eventsOf(
  db: Kysely<Database>,
  ids: string[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const byIntent = new Map<string, Record<string, unknown>[]>();
  if (ids.length === 0) return byIntent;
  const rows = await sql<{ intent_id: string; row: Record<string, unknown> }>`
    SELECT e.intent_id, to_jsonb(e) AS row FROM intent_events e
     WHERE e.intent_id IN (${sql.join(ids)}) ORDER BY e.intent_id, e.id`.execute(db);
  for (const { intent_id, row } of rows.rows) {
    const list = byIntent.get(intent_id) ?? [];
    list.push(row);
    byIntent.set(intent_id, list);
  }
  return byIntent;
}

async function deleteExported(
  tx: Kysely<Database>,
  batch: TFingerprint[],
  references: TReference[],
): Promise<{ intentsDeleted: number; intentsKept: number; eventsDeleted: number; changed: string[] }> {
  const ids = batch.map((b) => b.id);
  // Locking the intents also blocks new rows referencing them (a foreign key check takes FOR KEY SHARE).
  const current = await sql<{ id: string; status: string; updated_at: string; referenced: boolean }>`
    SELECT i.id, i.status, i.updated_at::text AS updated_at, ${referencedExpression(references)} AS referenced
      FROM intents i WHERE i.id IN (${sql.join(ids)}) ORDER BY i.id FOR UPDATE OF i`.execute(tx);
  const currentEvents = await sql<{ intent_id: string; id: number }>`
    SELECT intent_id, id FROM intent_events WHERE intent_id IN (${sql.join(ids)}) ORDER BY intent_id, id`.execute(
    tx,
  );
  const now = new Map(current.rows.map((r) => [r.id, r]));
  const eventIds = new Map<string, number[]>();
  for (const e of currentEvents.rows) eventIds.set(e.intent_id, [...(eventIds.get(e.intent_id) ?? []), e.id]);

  const changed: string[] = [];
  const deleteIntents: string[] = [];
  const deleteEventsOf: string[] = [];
  let eventsExpected = 0;
  for (const exported of batch) {
    const row = now.get(exported.id);
    const unchanged =
      row !== undefined &&
      row.status === exported.status &&
      row.updated_at === exported.updatedAt &&
      row.referenced === (exported.kind === 'events') &&
      sameIds(eventIds.get(exported.id) ?? [], exported.eventIds);
    if (!unchanged) {
      changed.push(exported.id);
      continue;
    }
    eventsExpected += exported.eventIds.length;
    (exported.kind === 'intent' ? deleteIntents : deleteEventsOf).push(exported.id);
  }
  const toClear = [...deleteIntents, ...deleteEventsOf];
  let eventsDeleted = 0;
  if (toClear.length > 0) {
    const deleted = await tx.deleteFrom('intent_events').where('intent_id', 'in', toClear).executeTakeFirst();
    eventsDeleted = Number(deleted.numDeletedRows);
  }
  let intentsDeleted = 0;
  if (deleteIntents.length > 0) {
    const deleted = await tx.deleteFrom('intents').where('id', 'in', deleteIntents).executeTakeFirst();
    intentsDeleted = Number(deleted.numDeletedRows);
  }
  // The rows are locked and were just compared, so any difference here is a bug: roll this batch back.
  if (eventsDeleted !== eventsExpected || intentsDeleted !== deleteIntents.length) {
    throw new Error(
      `archive delete mismatch: ${intentsDeleted}/${deleteIntents.length} intents, ${eventsDeleted}/${eventsExpected} events`,
    );
  }
  return { intentsDeleted, intentsKept: deleteEventsOf.length, eventsDeleted, changed };
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
