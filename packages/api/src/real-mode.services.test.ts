import { startAnvil, type TAnvil } from '@sge/contracts';
import { ZHealthResponse, ZSystemStatus } from '@sge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../test/support/platform';
import { createTestPostgres } from '../test/support/postgres';
import { createTestRedisPrefix } from '../test/support/redis';
import { devPrivateKey } from './config';
import { openDatabase } from './db/client';
import { migrateToLatest } from './db/migrate';

describe('Real mode on PostgreSQL, Redis and an RPC endpoint', () => {
  let anvil: TAnvil;
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  const redis = createTestRedisPrefix();
  let env: Record<string, string>;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    postgres = await createTestPostgres();
    env = {
      MOCK_MODE: 'false',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      RPC_URL: anvil.rpcUrl,
      RELAYER_PRIVATE_KEY: devPrivateKey(5),
    };
  });
  afterAll(async () => {
    await anvil.stop();
    await postgres.drop();
    await redis.cleanup();
  });

  it('refuses to start against a database whose migrations have not been applied', async () => {
    await expect(startTestPlatform(env)).rejects.toThrow(/pending: 0001-core-schema.*npm run db:migrate/);
  });

  it('serves /healthz with mode REAL and the chain id the RPC reports once migrated', async () => {
    const database = await openDatabase({ kind: 'postgres', url: postgres.url });
    await migrateToLatest(database.db);
    await database.close();

    const platform = await startTestPlatform({ ...env, PROCESS_ROLE: 'api' });
    try {
      const health = ZHealthResponse.parse(await (await fetch(`${platform.url}/healthz`)).json());
      expect(health).toMatchObject({ mode: 'REAL', chainId: 31337, healthy: true });
      const status = ZSystemStatus.parse(await (await fetch(`${platform.url}/api/system/status`)).json());
      expect(status.mode).toBe('REAL');
      expect(status.rpc.endpoint).toBe('primary');
      expect(status.relayer.balanceEth).toBe('10000');
    } finally {
      await platform.stop();
    }
  });

  it('refuses to start when CHAIN_ID does not match the chain behind RPC_URL', async () => {
    await expect(startTestPlatform({ ...env, CHAIN_ID: '1' })).rejects.toThrow(
      /CHAIN_ID is 1 but the RPC reports chain 31337/,
    );
  });

  it('reports 503 when PostgreSQL cannot be reached while running', async () => {
    const platform = await startTestPlatform({ ...env, PROCESS_ROLE: 'api' });
    try {
      await postgres.drop();
      const response = await fetch(`${platform.url}/healthz`);
      expect(response.status).toBe(503);
      const health = ZHealthResponse.parse(await response.json());
      expect(health.checks.db.ok).toBe(false);
      expect(health.healthy).toBe(false);
    } finally {
      await platform.stop();
    }
  });
});
