import { cpus } from 'node:os';
import { sql } from 'kysely';
import { getAddress } from 'viem';
import { openDatabase } from '../src/db/client';
import { spawnPlatformProcess, type TPlatformProcess } from '../test/support/processes';
import { startRealStack } from '../test/support/real-chain';
import { waitForOk } from './support';

/**
 * `npm run bench:cluster -- [--wallets N] [--concurrency C] [--timeout-seconds S]`
 * Settled registrations per second of a Real-mode cluster (PostgreSQL, Redis, anvil with 1-second blocks)
 * as it scales out: 1 API + 1 worker, 1 API + 3 workers, 2 APIs + 3 workers — each run on a fresh stack,
 * N fresh wallets registered through the APIs (closed loop, C in flight, spread over the APIs) and timed
 * until every one is CONFIRMED or FAILED. Prints one JSON object:
 * `{runs: [{apis, workers, wallets, seconds, settledPerSecond, acceptP99Ms}], workerScaleOut, apiScaleOut}`
 * where workerScaleOut = (1 API, 3 workers) / (1 API, 1 worker) and apiScaleOut = (2 APIs, 3 workers) /
 * (1 API, 3 workers).
 */
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1]! : fallback;
};
const walletCount = Number(option('wallets', '20000'));
const concurrency = Number(option('concurrency', '128'));
const settleTimeoutMs = Number(option('timeout-seconds', '900')) * 1000;
const SHAPES = [
  { apis: 1, workers: 1 },
  { apis: 1, workers: 3 },
  { apis: 2, workers: 3 },
] as const;

const TUNING = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
  REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '1000',
  RELAYER_POLL_INTERVAL_MS: '250',
  SWEEP_INTERVAL_MS: '2000',
  WORKER_CONCURRENCY: '4',
  LOG_LEVEL: 'info',
};

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round1 = (n: number) => Math.round(n * 10) / 10;

async function runShape(shape: { apis: number; workers: number }, runIndex: number) {
  const stack = await startRealStack({ blockTimeSeconds: 1 });
  const env = { ...stack.env, ...TUNING };
  const processes: TPlatformProcess[] = [];
  try {
    for (let i = 0; i < shape.apis; i++) processes.push(await spawnPlatformProcess({ env, role: 'api' }));
    for (let i = 0; i < shape.workers; i++)
      processes.push(await spawnPlatformProcess({ env, role: 'worker' }));
    const urls = processes.filter((p) => p.url).map((p) => p.url!);
    for (const url of urls) await waitForOk(`${url}/healthz`, 60_000);
    const database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    const wallets = Array.from({ length: walletCount }, (_, i) =>
      getAddress(`0x${(0x6000000000 + runIndex * 0x100000000 + i).toString(16).padStart(40, '0')}`),
    );

    const acceptMs: number[] = [];
    let accepted = 0;
    let rejected = 0;
    let next = 0;
    const started = performance.now();
    const lane = async (laneIndex: number) => {
      for (;;) {
        const index = next++;
        if (index >= wallets.length) return;
        const t0 = performance.now();
        try {
          const response = await fetch(`${urls[(laneIndex + index) % urls.length]}/api/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ wallet: wallets[index] }),
          });
          await response.arrayBuffer();
          if (response.status === 202 || response.status === 200) accepted += 1;
          else rejected += 1;
        } catch {
          rejected += 1;
        }
        acceptMs.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, i) => lane(i)));
    const acceptSeconds = (performance.now() - started) / 1000;

    const deadline = Date.now() + settleTimeoutMs;
    let counts: Record<string, number> = {};
    for (;;) {
      const rows = await sql<{ status: string; n: number }>`
        SELECT status, count(*)::int8 AS n FROM intents WHERE type = 'REGISTER' GROUP BY status`.execute(
        database.db,
      );
      counts = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
      if ((counts.CONFIRMED ?? 0) + (counts.FAILED ?? 0) >= accepted) break;
      if (Date.now() > deadline) throw new Error(`not settled in time: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    await database.close();
    acceptMs.sort((a, b) => a - b);
    return {
      apis: shape.apis,
      workers: shape.workers,
      wallets: walletCount,
      seconds: round1(seconds),
      acceptSeconds: round1(acceptSeconds),
      settledPerSecond: round1((counts.CONFIRMED ?? 0) / seconds),
      acceptP99Ms: round1(percentile(acceptMs, 99)),
      accepted,
      rejected,
      confirmed: counts.CONFIRMED ?? 0,
      failed: counts.FAILED ?? 0,
    };
  } finally {
    for (const process of processes) await process.stop();
    await stack.stop();
  }
}

async function main() {
  const runs: Awaited<ReturnType<typeof runShape>>[] = [];
  for (const [index, shape] of SHAPES.entries()) {
    process.stderr.write(
      `bench:cluster: ${shape.apis} API, ${shape.workers} worker(s), ${walletCount} wallets\n`,
    );
    runs.push(await runShape(shape, index));
  }
  const rate = (apis: number, workers: number) =>
    runs.find((r) => r.apis === apis && r.workers === workers)!.settledPerSecond;
  const report = {
    cpus: cpus().length,
    concurrency,
    runs,
    workerScaleOut: Math.round((rate(1, 3) / rate(1, 1)) * 100) / 100,
    apiScaleOut: Math.round((rate(2, 3) / rate(1, 3)) * 100) / 100,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
