import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedArchiveFixture, type TArchiveFixture } from '../../../test/support/archive-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { ArchiveVerificationError, archiveIntents, verifyArchiveFile } from './archive-intents';

let testDatabase: TTestDatabase;
let db: TDb;
let fixture: TArchiveFixture;
let outDir: string;

async function snapshot() {
  const intents = await sql<{ id: string; row: Record<string, unknown> }>`
    SELECT id, to_jsonb(i) AS row FROM intents i ORDER BY id`.execute(db);
  const events = await sql<{ intent_id: string; row: Record<string, unknown> }>`
    SELECT intent_id, to_jsonb(e) AS row FROM intent_events e ORDER BY intent_id, id`.execute(db);
  return { intents: intents.rows, events: events.rows };
}

function decode(file: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('archiveIntents', () => {
  beforeAll(async () => {
    testDatabase = await openTestPglite();
    db = testDatabase.database.db;
  });
  afterAll(async () => {
    await testDatabase.cleanup();
  });
  beforeEach(async () => {
    await db.deleteFrom('settlements').execute();
    await db.deleteFrom('intents').execute();
    fixture = await seedArchiveFixture(db, { ageDays: 40 });
    outDir = mkdtempSync(join(tmpdir(), 'sge-archive-'));
  });
  afterEach(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('a dry run counts what it would archive and changes nothing', async () => {
    const before = await snapshot();
    const result = await archiveIntents(db, { olderThanDays: 30, outDir, dryRun: true });
    expect(result).toMatchObject({
      status: 'DRY_RUN',
      records: 11,
      intentsDeleted: 8,
      intentsKept: 3,
      eventsDeleted: 22,
      file: null,
    });
    expect(result.referencingTables).toEqual(
      expect.arrayContaining(['public.payout_batches', 'public.settlements']),
    );
    expect(await snapshot()).toEqual(before);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('deletes exactly the exported rows, and the file decodes back to them', async () => {
    const before = await snapshot();
    const result = await archiveIntents(db, { olderThanDays: 30, outDir });
    expect(result).toMatchObject({ status: 'ARCHIVED', records: 11, intentsDeleted: 8, intentsKept: 3 });
    expect(result.eventsDeleted).toBe(22);
    expect(result.changedSinceExport).toEqual([]);
    expect(readdirSync(outDir)).toEqual([result.file!.split('/').pop()]);

    const after = await snapshot();
    const remaining = after.intents.map((r) => r.id).sort();
    expect(remaining).toEqual([...fixture.settled, ...fixture.untouched].sort());
    // Kept intents are unchanged; only their events left. Untouched intents keep their events.
    for (const id of fixture.settled) {
      expect(after.intents.find((r) => r.id === id)).toEqual(before.intents.find((r) => r.id === id));
    }
    expect(after.events.every((e) => fixture.untouched.includes(e.intent_id))).toBe(true);
    expect(after.events).toEqual(before.events.filter((e) => fixture.untouched.includes(e.intent_id)));

    const records = decode(result.file!);
    const trailer = records.pop()!;
    expect(trailer).toMatchObject({ kind: 'trailer', format: 'sge-intent-archive/1', records: 11 });
    expect(trailer.sha256).toBe(result.sha256);
    const archivedIds = [...fixture.deletable, ...fixture.settled];
    expect(records.map((r) => (r.intent as { id: string }).id).sort()).toEqual(archivedIds.sort());
    for (const record of records) {
      const id = (record.intent as { id: string }).id;
      expect(record.kind).toBe(fixture.settled.includes(id) ? 'events' : 'intent');
      expect(record.intent).toEqual(before.intents.find((r) => r.id === id)!.row);
      expect(record.events).toEqual(before.events.filter((e) => e.intent_id === id).map((e) => e.row));
    }
    expect(await verifyArchiveFile(result.file!)).toMatchObject({ records: 11, sha256: result.sha256 });

    const again = await archiveIntents(db, { olderThanDays: 30, outDir });
    expect(again).toMatchObject({ status: 'NOTHING_TO_ARCHIVE', records: 0, file: null });
    expect(readdirSync(outDir)).toHaveLength(1);
  });

  it('deletes nothing when the disk write fails (a full disk: /dev/full)', async () => {
    const before = await snapshot();
    const failing = archiveIntents(db, { olderThanDays: 30, outDir, openFile: () => open('/dev/full', 'w') });
    await expect(failing).rejects.toBeInstanceOf(ArchiveVerificationError);
    await expect(failing).rejects.toThrow(/ENOSPC|no space/i);
    expect(await snapshot()).toEqual(before);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('deletes nothing when the output directory cannot be created', async () => {
    const before = await snapshot();
    const notADirectory = join(outDir, 'file');
    writeFileSync(notADirectory, 'x');
    await expect(
      archiveIntents(db, { olderThanDays: 30, outDir: join(notADirectory, 'archive') }),
    ).rejects.toThrow(/ENOTDIR|not a directory/i);
    expect(await snapshot()).toEqual(before);
  });

  it('deletes nothing when the file is corrupted between write and read-back (a flipped byte)', async () => {
    const before = await snapshot();
    const corrupt = async (file: string) => {
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(file, bytes);
    };
    await expect(
      archiveIntents(db, { olderThanDays: 30, outDir, afterWrite: corrupt }),
    ).rejects.toBeInstanceOf(ArchiveVerificationError);
    expect(await snapshot()).toEqual(before);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('deletes nothing when a record goes missing between write and read-back (a valid gzip, one line short)', async () => {
    const before = await snapshot();
    const dropLine = async (file: string) => {
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
      lines.splice(2, 1);
      writeFileSync(file, gzipSync(lines.join('\n')));
    };
    await expect(archiveIntents(db, { olderThanDays: 30, outDir, afterWrite: dropLine })).rejects.toThrow(
      /did not verify/,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('keeps an intent that changed after its export (a retried FAILED intent) and reports it', async () => {
    const retried = fixture.deletable[fixture.deletable.length - 1]!;
    const retry = async () => {
      await db
        .updateTable('intents')
        .set({ status: 'PENDING', status_reason: 'retry', updated_at: new Date() })
        .where('id', '=', retried)
        .execute();
    };
    const result = await archiveIntents(db, { olderThanDays: 30, outDir, afterWrite: retry });
    expect(result.changedSinceExport).toEqual([retried]);
    expect(result.intentsDeleted).toBe(7);
    const row = await db.selectFrom('intents').select('status').where('id', '=', retried).executeTakeFirst();
    expect(row?.status).toBe('PENDING');
  });

  it('refuses an age below one day', async () => {
    await expect(archiveIntents(db, { olderThanDays: 0, outDir })).rejects.toBeInstanceOf(RangeError);
  });
});
