import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startAnvil, type TAnvil } from '@sge/contracts';
import { ZHealthResponse, ZSystemStatus } from '@sge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../test/support/platform';
import { createTestPostgres } from '../test/support/postgres';
import { createTestRedisPrefix } from '../test/support/redis';
import { devPrivateKey } from './config';
import { findRepoRoot } from './config/repo-root';
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
      // No ADMIN_API_KEYS: no admin access at all, and Mock mode's development key opens nothing.
      const attempts: Record<string, string>[] = [
        { 'x-admin-key': 'dev-admin-key' },
        { authorization: 'Bearer dev-admin-key' },
        {},
      ];
      for (const headers of attempts) {
        const response = await fetch(`${platform.url}/api/admin/fund-check`, { headers });
        expect(response.status).toBe(401);
      }
    } finally {
      await platform.stop();
    }
  });

  it('refuses to start when CHAIN_ID does not match the chain behind RPC_URL', async () => {
    await expect(startTestPlatform({ ...env, CHAIN_ID: '1' })).rejects.toThrow(
      /CHAIN_ID is 1 but the RPC reports chain 31337/,
    );
  });

  it('writes no log line holding the path key or password of an RPC URL that fails at startup', async () => {
    const primaryKey = 'Xk8rT2vQ6xL0mN4pW7kC1sH9dF3jB5gY';
    const backupKey = '9aa3d95b3bc440fa88ea12eaa4456161';
    // A provider that refuses the key (401, echoing the path as some do), and a backup nobody answers at.
    const server = createServer((request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `invalid API key for ${request.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const closedPort = await freePort();
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'packages/api/src/main.ts', '--role', 'api'],
        {
          cwd: findRepoRoot(),
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            ENV_FILE: '/nonexistent',
            ...env,
            LOG_LEVEL: 'trace',
            RPC_TIMEOUT_MS: '2000',
            RPC_URL: `http://127.0.0.1:${port}/v2/${primaryKey}?apikey=${primaryKey}`,
            RPC_BACKUP_URL: `http://rpc-user:hunter2-password@127.0.0.1:${closedPort}/v3/${backupKey}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('cannot use the chain at RPC_URL');
      for (const secret of [primaryKey, backupKey, 'hunter2-password', 'rpc-user']) {
        expect(output, `a log line holds ${secret}`).not.toContain(secret);
      }
      // Which endpoint failed is still said, without its key.
      expect(output).toMatch(/\/v[23]\/\[redacted\]/);
    } finally {
      server.close();
    }
  }, 60_000);

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
