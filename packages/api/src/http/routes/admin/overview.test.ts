import { randomUUID } from 'node:crypto';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../../test/support/platform';
import { DEFAULT_PROGRAM_ID } from '../../../db/migrations/0001-core-schema';
import { recordRevenueSettlement } from '../../../domain/commissions/record-revenue-settlement';
import { postLedgerTransaction } from '../../../domain/ledger/post-ledger-transaction';
import type { TPlatform } from '../../../platform';

const ADMIN = { 'x-admin-key': 'ops-key-123456789' };
const wallet = (index: number) =>
  privateKeyToAccount(`0x${(index + 1).toString(16).padStart(64, '0')}`).address;

describe('GET /api/admin/overview and GET /api/stats/daily', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  const get = async (path: string, headers: Record<string, string> = ADMIN) => {
    const response = await fetch(`${platform.url}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };
  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, ADMIN_API_KEYS: 'ops:ops-key-123456789' });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('refuses bad input with 400 naming the field, an unknown program with 404, no key with 401', async () => {
    expect((await get('/api/admin/overview', {})).status).toBe(401);
    const badRange = await get('/api/admin/overview?range=1y');
    expect(badRange.status).toBe(400);
    expect(badRange.body.error).toBe('VALIDATION_FAILED');
    expect(badRange.body.message).toMatch(/range/);
    expect(badRange.body.message).toMatch(/24h, 7d, 30d/);
    const badProgram = await get('/api/admin/overview?programId=abc');
    expect(badProgram.status).toBe(400);
    expect(badProgram.body.message).toMatch(/programId/);
    const unknown = await get(`/api/admin/overview?programId=${randomUUID()}`);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    for (const days of ['0', '31', 'abc', '1.5']) {
      const bad = await get(`/api/stats/daily?days=${days}`, {});
      expect(bad.status, `days=${days}`).toBe(400);
      expect(bad.body.error).toBe('VALIDATION_FAILED');
      expect(bad.body.message).toMatch(/days/);
    }
  });

  it('reports today’s registrations, claims, revenue and gas from the rollups; the public aggregate only counts', async () => {
    const db = platform.runtime.database.db;
    const before = await get('/api/admin/overview?range=7d');
    expect(before.status).toBe(200);
    expect(before.body.days).toHaveLength(8);
    const registered = [0, 1, 2].map(wallet);
    const now = new Date();
    await db
      .insertInto('users')
      .values(registered.map((w) => ({ program_id: DEFAULT_PROGRAM_ID, wallet: w, registered_at: now })))
      .execute();
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'CLAIM',
        idempotency_key: `claim:${DEFAULT_PROGRAM_ID}:${registered[0]}`,
        wallet: registered[0],
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const claim = {
      programId: DEFAULT_PROGRAM_ID,
      intentId: intent.id,
      kind: 'CLAIM' as const,
      wallet: registered[0]!,
      amount: 2_500_000n,
      currency: 'USDC' as const,
      txHash: `0x${'ab'.repeat(32)}`,
      blockNumber: 7,
      logIndex: 0,
    };
    await recordRevenueSettlement(db, claim);
    await recordRevenueSettlement(db, claim); // a retry: recorded once
    await postLedgerTransaction(db, {
      programId: DEFAULT_PROGRAM_ID,
      reference: 'gas:overview-test',
      kind: 'gas',
      entries: [
        { account: 'gas_expense', currency: 'ETH', amount: 21_000n * 3n },
        { account: 'relayer', currency: 'ETH', amount: -(21_000n * 3n) },
      ],
    });

    const after = await get(`/api/admin/overview?programId=${DEFAULT_PROGRAM_ID}&range=24h`);
    expect(after.status).toBe(200);
    expect(after.body.days).toHaveLength(2);
    const delta = (figure: string) =>
      BigInt(after.body.totals[figure]) -
      BigInt(
        before.body.days
          .slice(-2)
          .reduce((sum: bigint, day: Record<string, string>) => sum + BigInt(day[figure]!), 0n),
      );
    expect(delta('registrations')).toBe(3n);
    expect(delta('claims')).toBe(1n);
    expect(delta('claimFeesMicroUsd')).toBe(2_500_000n);
    expect(delta('revenueMicroUsd')).toBe(2_500_000n);
    expect(delta('gasSpentWei')).toBe(63_000n);
    expect(after.body.days.at(-1).day).toBe(now.toISOString().slice(0, 10));
    expect(after.body.relayer).toMatchObject({ warning: false, critical: false });
    expect(BigInt(after.body.relayer.gasSpentPerDayWei)).toBeGreaterThan(0n);
    expect(after.body.relayer.runwayDays).toBeGreaterThan(0);

    const publicStats = await get('/api/stats/daily?days=7', {});
    expect(publicStats.status).toBe(200);
    expect(publicStats.body.days).toHaveLength(7);
    expect(publicStats.body.days.at(-1)).toMatchObject({ day: after.body.toDay });
    expect(publicStats.body.days.at(-1).registrations).toBeGreaterThanOrEqual(3);
    // Counts only: no amount, program or wallet leaves the public aggregate.
    expect(Object.keys(publicStats.body.days[0]).sort()).toEqual(['claims', 'day', 'registrations']);

    const status = await get('/api/system/status', {});
    expect(status.body.ledger).toEqual({ balanced: true });
  });

  it('is in the OpenAPI document with its query and response schemas', async () => {
    const { body } = await get('/api/openapi.json', {});
    const overview = body.paths['/api/admin/overview'].get;
    expect(overview.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['programId', 'range']);
    expect(overview.responses['200'].content['application/json'].schema.properties).toHaveProperty('days');
    const stats = body.paths['/api/stats/daily'].get;
    expect(stats.parameters.map((p: { name: string }) => p.name)).toEqual(['days']);
  });
});
