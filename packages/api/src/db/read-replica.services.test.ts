import { randomBytes } from 'node:crypto';
import { startAnvil, type TAnvil } from '@sge/contracts';
import { ZSystemStatus } from '@sge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, newWallet, type TApi } from '../../test/support/money-api';
import { startOwnPostgres, type TOwnPostgres } from '../../test/support/own-postgres';
import { replicaTestPort, startOwnReplica, type TOwnReplica } from '../../test/support/own-replica';
import { startTestPlatform } from '../../test/support/platform';
import { createTestRedisPrefix } from '../../test/support/redis';
import { signRegistration } from '../../test/support/registration-proof';
import { devPrivateKey } from '../config';
import type { TPlatform } from '../platform';
import { openDatabase, type TDatabase } from './client';
import { migrateToLatest } from './migrate';
import { DEFAULT_PROGRAM_ID } from './migrations/0001-core-schema';

const ADMIN_KEY = randomBytes(32).toString('base64url');

/**
 * DATABASE_READ_URL against a real streaming replica: a PostgreSQL 15 primary and a hot standby made from it
 * with `pg_basebackup -R`, both started by this test on ports of its own range. Admin lists read the replica
 * (they lag with it and fail without it); money paths use the primary (they work with the replica stopped).
 */
describe('a read replica behind DATABASE_READ_URL', () => {
  let primary: TOwnPostgres;
  let replica: TOwnReplica;
  let primaryDb: TDatabase;
  let anvil: TAnvil;
  const redis = createTestRedisPrefix();
  let platform: TPlatform;
  let api: TApi;

  /** A registered user of the default program, written on the primary (as a mint would). */
  const insertUser = async () => {
    const wallet = newWallet().address;
    await primaryDb.db.insertInto('users').values({ program_id: DEFAULT_PROGRAM_ID, wallet }).execute();
    return wallet;
  };
  const manualPayment = (wallet: string, reference: string) =>
    api('POST', '/api/admin/payments', {
      key: ADMIN_KEY,
      body: {
        programId: DEFAULT_PROGRAM_ID,
        wallet,
        amount: '100000000',
        currency: 'USD',
        reference,
        note: 'bank transfer',
      },
    });
  const settlementWallets = async () => {
    const response = await api('GET', '/api/admin/settlements?limit=100', { key: ADMIN_KEY });
    expect(response.status).toBe(200);
    return (response.body.items as { wallet: string }[]).map((item) => item.wallet);
  };
  const systemStatus = async () =>
    ZSystemStatus.parse(await (await fetch(`${platform.url}/api/system/status`)).json());
  const metricValue = async (name: string) => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : Number(line.split(' ')[1]);
  };

  beforeAll(async () => {
    const primaryPort = await replicaTestPort();
    primary = await startOwnPostgres({ database: 'sge', port: primaryPort, maxConnections: 100 });
    primaryDb = await openDatabase({ kind: 'postgres', url: primary.url, poolMax: 2 });
    await migrateToLatest(primaryDb.db);
    let replicaPort = await replicaTestPort();
    while (replicaPort === primaryPort) replicaPort = await replicaTestPort();
    replica = await startOwnReplica(primary, { database: 'sge', port: replicaPort });
    await replica.waitForCatchUp();
    anvil = await startAnvil({ chainId: 31337 });
    platform = await startTestPlatform({
      MOCK_MODE: 'false',
      PROCESS_ROLE: 'api',
      DATABASE_URL: primary.url,
      DATABASE_READ_URL: replica.url,
      DATABASE_POOL_MAX: '5',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      RPC_URL: anvil.rpcUrl,
      RELAYER_PRIVATE_KEY: devPrivateKey(5),
      ADMIN_API_KEYS: `alice:${ADMIN_KEY}`,
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    });
    api = apiClient(platform.url!);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await anvil?.stop();
    await primaryDb?.close();
    await replica?.destroy();
    await primary?.destroy();
    await redis.cleanup();
  });

  it('refuses to start when DATABASE_READ_URL is not a PostgreSQL URL, naming the variable', async () => {
    await expect(
      startTestPlatform({ MOCK_MODE: 'false', DATABASE_READ_URL: 'mysql://replica/sge' }),
    ).rejects.toThrow(/DATABASE_READ_URL: must be a postgres: or postgresql: URL/);
  });

  it('serves an admin list from the replica: a row written on the primary shows once the replica has replayed it', async () => {
    const wallet = await insertUser();
    await replica.pauseReplay();
    try {
      const payment = await manualPayment(wallet, `replica-lag-${wallet}`);
      expect(payment.status).toBe(201);
      // The primary has it (the payment's answer came from there); the replica has not replayed it yet.
      expect(await settlementWallets()).not.toContain(wallet);
      const status = await systemStatus();
      expect(status.database.readReplica).not.toBeNull();
      expect(status.database.readReplica!.lagSeconds).toBeGreaterThan(0);
      expect(await metricValue('sge_db_replica_up')).toBe(1);
    } finally {
      await replica.resumeReplay();
    }
    await replica.waitForCatchUp();
    expect(await settlementWallets()).toContain(wallet);
    const users = await api('GET', `/api/admin/users?wallet=${wallet}`, { key: ADMIN_KEY });
    expect(users.status).toBe(200);
    expect(users.body.items).toHaveLength(1);
    // Caught up with nothing pending: no lag. (Read after the status cache of REPLICA_LAG_CACHE_MS expired.)
    await expect
      .poll(async () => (await systemStatus()).database.readReplica?.lagSeconds, { timeout: 10_000 })
      .toBe(0);
    expect(await metricValue('sge_db_replica_lag_seconds')).toBe(0);
  });

  it('keeps money paths on the primary: with the replica stopped, payments and registrations work and only the lists fail', async () => {
    await replica.stop();
    const wallet = await insertUser();
    const payment = await manualPayment(wallet, `replica-down-${wallet}`);
    expect(payment.status).toBe(201);
    // Replaying the same reference reads the recorded payment back: from the primary too.
    const replay = await manualPayment(wallet, `replica-down-${wallet}`);
    expect(replay.status).toBe(200);
    const account = newWallet();
    const registration = await api('POST', '/api/register', {
      body: await signRegistration({ account, chainId: 31337 }),
    });
    expect(registration.status).toBe(202);
    const userStatus = await api('GET', `/api/status?wallet=${account.address}`);
    expect(userStatus.status).toBe(200);
    const settlements = await primaryDb.db
      .selectFrom('settlements')
      .select('id')
      .where('wallet', '=', wallet)
      .execute();
    expect(settlements).toHaveLength(1);

    // The lists read the replica, so they fail now (and would show stale rows rather than hit the primary).
    const list = await api('GET', '/api/admin/settlements?limit=10', { key: ADMIN_KEY });
    expect(list.status).toBeGreaterThanOrEqual(500);
    await expect
      .poll(async () => (await systemStatus()).database.readReplica, { timeout: 10_000 })
      .toEqual({
        lagSeconds: null,
      });
    expect(await metricValue('sge_db_replica_up')).toBe(0);
  });
});
