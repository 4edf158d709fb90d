import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedArchiveFixture } from '../../test/support/archive-fixtures';
import { openTestPglite, type TTestDatabase } from '../../test/support/test-database';
import { loadConfig } from '../config';
import type { TDb } from '../db/client';
import {
  ArchiveVerificationError,
  archiveIntents,
  verifyArchiveStream,
} from '../domain/archive/archive-intents';
import { s3ArchiveStore } from './s3-archive-store';

/** s3rver's built-in access key pair (it checks request signatures against it). */
const S3RVER_KEY = 'S3RVER';
const BUCKET = 'sge-archive';

/**
 * ARCHIVE_URL=s3://… against a real S3-compatible server: s3rver (npm), which speaks S3's REST protocol over
 * HTTP with SigV4 signatures and stores objects on disk. The archive's client is built from the configuration
 * exactly as `npm run archive` builds it.
 */
describe('the archive in an S3-compatible bucket', () => {
  let server: S3rver;
  let serverDir: string;
  let endpoint: string;
  let testDatabase: TTestDatabase;
  let db: TDb;
  let outDir: string;

  const storeFor = (archiveUrl: string) =>
    s3ArchiveStore(
      loadConfig({
        ARCHIVE_URL: archiveUrl,
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: S3RVER_KEY,
        AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
      }).archive,
    );
  const keysIn = async (store: ReturnType<typeof storeFor>) => {
    const listed = await store.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    return (listed.Contents ?? []).map((object) => object.Key);
  };
  const snapshot = async () =>
    (await sql<{ id: string }>`SELECT id FROM intents ORDER BY id`.execute(db)).rows.map((r) => r.id);

  beforeAll(async () => {
    serverDir = mkdtempSync(join(tmpdir(), 'sge-s3rver-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: serverDir,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    testDatabase = await openTestPglite();
    db = testDatabase.database.db;
  });
  afterAll(async () => {
    await testDatabase?.cleanup();
    await server?.close();
    rmSync(serverDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db.deleteFrom('settlements').execute();
    await db.deleteFrom('intents').execute();
    await seedArchiveFixture(db, { ageDays: 40 });
    outDir = mkdtempSync(join(tmpdir(), 'sge-archive-'));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('puts the verified file in the bucket under the prefix, reads it back, then deletes the rows; no local copy stays', async () => {
    const store = storeFor(`s3://${BUCKET}/sge/intents`);
    const before = await snapshot();
    const result = await archiveIntents(db, { olderThanDays: 30, outDir, store });
    expect(result.status).toBe('ARCHIVED');
    expect(result.records).toBeGreaterThan(0);
    expect(result.file).toMatch(new RegExp(`^s3://${BUCKET}/sge/intents/sge-intents-.*\\.jsonl\\.gz$`));
    const key = result.file!.slice(`s3://${BUCKET}/`.length);
    expect(await keysIn(store)).toContain(key);
    expect(readdirSync(outDir)).toEqual([]);

    // The object verifies on its own (a later audit needs only the bucket), and the rows it holds are gone.
    const object = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const verified = await verifyArchiveStream(object.Body as never, { sha256: result.sha256! });
    expect(verified.records).toBe(result.records);
    const after = await snapshot();
    expect(after.length).toBe(before.length - result.intentsDeleted);
    // Referenced intents stay with only their events archived; every other exported intent is gone.
    expect(verified.ids.filter((id) => after.includes(id))).toHaveLength(result.intentsKept);
  });

  it('deletes nothing and removes the object when the stored copy does not verify (replaced by a truncated file)', async () => {
    const store = storeFor(`s3://${BUCKET}/corrupt/`);
    const before = await snapshot();
    const truncate = async (name: string) => {
      await store.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `corrupt/${name}`,
          Body: gzipSync('{"kind":"intent","intent":{"id":"x"},"events":[]}\n'),
        }),
      );
    };
    const failing = archiveIntents(db, { olderThanDays: 30, outDir, store, afterStore: truncate });
    await expect(failing).rejects.toBeInstanceOf(ArchiveVerificationError);
    await expect(failing).rejects.toThrow(/did not verify, nothing deleted/);
    expect(await snapshot()).toEqual(before);
    expect((await keysIn(store)).filter((key) => key?.startsWith('corrupt/'))).toEqual([]);
    // The local file verified before it was stored: it stays, the one good copy.
    expect(readdirSync(outDir)).toHaveLength(1);
  });

  it('deletes nothing when the bucket does not exist', async () => {
    const store = storeFor('s3://no-such-bucket/x/');
    const before = await snapshot();
    await expect(archiveIntents(db, { olderThanDays: 30, outDir, store })).rejects.toThrow(
      /s3:\/\/no-such-bucket\/x\/ did not verify, nothing deleted.*bucket/i,
    );
    expect(await snapshot()).toEqual(before);
  });
});
