import { spawn } from 'node:child_process';
import { freePort, startAnvil } from '@sge/contracts';
import { devPrivateKey } from '../src/config';
import { openDatabase } from '../src/db/client';
import { migrateToLatest } from '../src/db/migrate';
import { tempDir } from '../test/support/platform';
import { createTestPostgres } from '../test/support/postgres';
import { spawnPlatformProcess } from '../test/support/processes';
import { createTestRedisPrefix } from '../test/support/redis';
import { load, stopProcess, waitForOk } from './support';

/**
 * `npm run bench:api`: GET /healthz throughput and p99 in Mock and Real mode, beside a bare node:http
 * server measured in the same run on the same machine (the baseline), and Mock mode's cold start
 * (process start to /healthz 200 on an empty DATA_DIR). Prints one JSON object.
 *
 * Flags: --seconds N (per measurement, default 10), --connections N (default 50).
 */
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const seconds = flag('seconds', 10);
const connections = flag('connections', 50);

/** Starts the platform as its own process (as an operator would) and times it until /healthz answers 200. */
async function startApi(env: Record<string, string>, role: 'api' | 'all' = 'all') {
  const started = performance.now();
  const api = await spawnPlatformProcess({ env, role });
  await waitForOk(`${api.url}/healthz`, 120_000, api.process);
  return {
    url: api.url!,
    stop: api.stop,
    startSeconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

async function bareNodeHttp() {
  const port = await freePort();
  const source = `require('node:http').createServer((q, s) => { s.writeHead(200, {'content-type': 'application/json'}); s.end('{"ok":true}'); }).listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(url, 10_000, child);
  return { url, stop: () => stopProcess(child) };
}

async function main() {
  const results: Record<string, unknown> = {
    seconds,
    connections,
    cpus: (await import('node:os')).cpus().length,
  };

  const bare = await bareNodeHttp();
  results.bareNodeHttp = await load(`${bare.url}/`, { seconds, connections });
  await bare.stop();

  const mockDir = tempDir('sge-bench-');
  const mock = await startApi({ DATA_DIR: mockDir.path });
  results.mockColdStartSeconds = mock.startSeconds;
  results.mockHealthz = await load(`${mock.url}/healthz`, { seconds, connections });
  await mock.stop();
  // A warm start: the same DATA_DIR again (contracts and schema already there).
  const warm = await startApi({ DATA_DIR: mockDir.path });
  results.mockWarmStartSeconds = warm.startSeconds;
  await warm.stop();
  mockDir.remove();

  const anvil = await startAnvil();
  const postgres = await createTestPostgres();
  const redis = createTestRedisPrefix();
  try {
    const database = await openDatabase({ kind: 'postgres', url: postgres.url });
    await migrateToLatest(database.db);
    await database.close();
    const real = await startApi(
      {
        MOCK_MODE: 'false',
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        RPC_URL: anvil.rpcUrl,
        RELAYER_PRIVATE_KEY: devPrivateKey(1),
      },
      'api',
    );
    results.realHealthz = await load(`${real.url}/healthz`, { seconds, connections });
    await real.stop();
  } finally {
    await anvil.stop();
    await postgres.drop();
    await redis.cleanup();
  }

  const ratio = (name: string) => {
    const measured = results[name] as { requestsPerSecond: number };
    const baseline = results.bareNodeHttp as { requestsPerSecond: number };
    return Math.round((measured.requestsPerSecond / baseline.requestsPerSecond) * 1000) / 1000;
  };
  results.mockVsBareThroughput = ratio('mockHealthz');
  results.realVsBareThroughput = ratio('realHealthz');
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
