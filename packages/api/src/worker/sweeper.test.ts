import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../test/support/platform';
import { HEARTBEAT_STALE_MS } from '../db/heartbeat-limits';
import { DEFAULT_PROGRAM_ID } from '../db/migrations/0001-core-schema';
import type { TPlatform } from '../platform';
import { sweep } from './sweeper';

describe('sweeper: leases of dead workers', () => {
  const dataDir = tempDir();
  let platform: TPlatform;

  beforeAll(async () => {
    // The platform's own sweeper runs once at start, then not within this test.
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, SWEEP_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('takes back an intent whose worker stopped beating at once, and leaves live and lease-less claims alone', async () => {
    const { db } = platform.runtime.database;
    const inTenMinutes = new Date(Date.now() + 600_000);
    await db
      .insertInto('worker_heartbeats')
      .values([
        {
          worker_id: 'sweeper-test:dead',
          role: 'worker',
          host: 'h',
          pid: 1,
          started_at: new Date(Date.now() - 3_600_000),
          last_seen_at: new Date(Date.now() - HEARTBEAT_STALE_MS - 5_000),
        },
        {
          worker_id: 'sweeper-test:alive',
          role: 'worker',
          host: 'h',
          pid: 2,
          started_at: new Date(),
          last_seen_at: new Date(),
        },
      ])
      .execute();
    const claim = (key: string, lockedBy: string, lockedUntil: Date | null) => ({
      program_id: DEFAULT_PROGRAM_ID,
      type: 'PAYOUT' as const,
      idempotency_key: `sweeper-test:${key}`,
      status: 'PROCESSING' as const,
      status_reason: 'paying on-chain',
      locked_by: lockedBy,
      locked_until: lockedUntil,
      payload: { batchId: '00000000-0000-4000-8000-000000000000' },
    });
    await db
      .insertInto('intents')
      .values([
        claim('dead-worker', 'sweeper-test:dead', inTenMinutes),
        claim('never-beat', 'sweeper-test:unknown', inTenMinutes),
        claim('alive-worker', 'sweeper-test:alive', inTenMinutes),
        claim('alive-expired', 'sweeper-test:alive', new Date(Date.now() - 1_000)),
        // Held by a mint batch's lease (REGISTER), not the intent's own: never the sweeper's to take.
        { ...claim('batch-governed', 'sweeper-test:dead', null), type: 'REGISTER' as const },
      ])
      .execute();

    // No processors: only the take-back step runs, nothing is dispatched.
    const result = await sweep(platform.runtime, []);

    const rows = await db
      .selectFrom('intents')
      .select(['idempotency_key', 'status', 'locked_by', 'status_reason'])
      .where('idempotency_key', 'like', 'sweeper-test:%')
      .orderBy('idempotency_key')
      .execute();
    const byKey = Object.fromEntries(rows.map((row) => [row.idempotency_key.split(':')[1], row]));
    expect(byKey['dead-worker']).toMatchObject({ status: 'PENDING', locked_by: null });
    expect(byKey['never-beat']).toMatchObject({ status: 'PENDING', locked_by: null });
    expect(byKey['alive-expired']).toMatchObject({ status: 'PENDING', locked_by: null });
    expect(byKey['alive-worker']).toMatchObject({ status: 'PROCESSING', locked_by: 'sweeper-test:alive' });
    expect(byKey['batch-governed']).toMatchObject({ status: 'PROCESSING', locked_by: 'sweeper-test:dead' });
    expect(byKey['dead-worker']!.status_reason).toMatch(/worker died/);
    expect(result.reclaimed).toBe(3);
  });

  it('counts this process as alive: its own heartbeat row exists once workers started', async () => {
    const row = await platform.runtime.database.db
      .selectFrom('worker_heartbeats')
      .select('last_seen_at')
      .where('worker_id', '=', platform.workerId)
      .executeTakeFirst();
    expect(row).toBeDefined();
    expect(Date.now() - row!.last_seen_at.getTime()).toBeLessThan(HEARTBEAT_STALE_MS);
  });
});
