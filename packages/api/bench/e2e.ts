import { readdirSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, setPriority } from 'node:os';
import { sgeIdAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { createPublicClient, getAddress, http } from 'viem';
import { openDatabase } from '../src/db/client';
import { startTestPlatform, tempDir } from '../test/support/platform';
import { spawnPlatformProcess, type TPlatformProcess } from '../test/support/processes';
import { startRealStack } from '../test/support/real-chain';
import { startRpcCounter } from '../test/support/rpc-counter';
import { machineCpuMs } from './support';

/**
 * `npm run bench:e2e -- --wallets N [--mode real|mock] [--rate R] [--concurrency C] [--workers W]`
 * Registers N fresh wallets through the HTTP API at R requests per second (open loop, at most C in flight)
 * and waits until every one is settled on-chain.
 * Real mode: PostgreSQL, Redis, anvil with 1-second blocks, one API process and W worker processes; every
 * JSON-RPC call of every process goes through a counting proxy. Prints one JSON object.
 *
 * `--background-nice N` (default 10): the processes that a production deployment runs on machines of their own
 * — the workers and the chain node — run at that lower CPU priority here, so that on one small machine the
 * API's acceptance latency is measured as the API would see it, not behind a mint batch being settled.
 * `--background-nice 0` runs everything at one priority.
 */
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1]! : fallback;
};
const walletCount = Number(option('wallets', '2000'));
const mode = option('mode', 'real') as 'real' | 'mock';
const concurrency = Number(option('concurrency', '256'));
/** Arrival rate (open loop): requests start on schedule whatever the latency, as real users arrive. */
const ratePerSecond = Number(option('rate', '700'));
const workerCount = Number(option('workers', '1'));
const settleTimeoutMs = Number(option('timeout-seconds', '900')) * 1000;
const backgroundNice = Number(option('background-nice', '10'));

/** Linux's nice value is per thread: set it on every thread of the process (anvil runs a thread pool). */
function lowerPriority(pid: number, nice: number) {
  for (const thread of readdirSync(`/proc/${pid}/task`)) setPriority(Number(thread), nice);
}

/** p50/p99 upper bounds (ms) of the API's own request-duration histogram for one route. */
function histogramPercentiles(metrics: string, route: string) {
  const buckets: [number, number][] = [];
  const pattern =
    /^sge_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="([^"]+)",status="(\d+)"\} (\d+)/gm;
  const byLe = new Map<number, number>();
  for (const match of metrics.matchAll(pattern)) {
    if (match[2] !== route) continue;
    const le = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
    byLe.set(le, (byLe.get(le) ?? 0) + Number(match[4]));
  }
  for (const [le, count] of byLe) buckets.push([le, count]);
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  const at = (p: number) => {
    const bucket = buckets.find(([, count]) => count >= total * p);
    return bucket ? bucket[0] * 1000 : null;
  };
  return { serverP50MsAtMost: at(0.5), serverP99MsAtMost: at(0.99), requests: total };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const wallets = Array.from({ length: walletCount }, (_, i) =>
    getAddress(`0x${(0x5000000000 + i).toString(16).padStart(40, '0')}`),
  );
  const tuning = {
    RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
    REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '1000',
    RELAYER_POLL_INTERVAL_MS: '250',
    SWEEP_INTERVAL_MS: '2000',
    WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'info',
  };
  let apiUrl: string;
  let rpc: Awaited<ReturnType<typeof startRpcCounter>> | null = null;
  let databaseUrl: string | null = null;
  const cleanups: (() => Promise<void>)[] = [];
  let sgeId: `0x${string}`;
  let chainUrl: string;

  if (mode === 'real') {
    const stack = await startRealStack({ blockTimeSeconds: 1 });
    cleanups.push(() => stack.stop());
    rpc = await startRpcCounter(stack.anvil.rpcUrl);
    cleanups.push(() => rpc!.close());
    const env = { ...stack.env, ...tuning, RPC_URL: rpc.url };
    const processes: TPlatformProcess[] = [await spawnPlatformProcess({ env, role: 'api' })];
    for (let i = 0; i < workerCount; i++) processes.push(await spawnPlatformProcess({ env, role: 'worker' }));
    if (backgroundNice !== 0) {
      for (const worker of processes.slice(1)) lowerPriority(worker.process.pid!, backgroundNice);
      lowerPriority(stack.anvil.process.pid!, backgroundNice);
    }
    cleanups.unshift(async () => {
      for (const process of processes) await process.stop();
    });
    apiUrl = processes[0]!.url!;
    databaseUrl = stack.postgres.url;
    sgeId = stack.deployment.contracts.sgeId;
    chainUrl = stack.anvil.rpcUrl;
  } else {
    const dataDir = tempDir();
    const platform = await startTestPlatform({ DATA_DIR: dataDir.path, ...tuning, LOG_LEVEL: 'warn' });
    cleanups.push(async () => {
      await platform.stop();
      dataDir.remove();
    });
    apiUrl = platform.url!;
    sgeId = platform.runtime.contracts.sgeId!;
    chainUrl = platform.runtime.mockChain!.rpcUrl;
  }
  rpc?.reset();

  const acceptMs: number[] = [];
  let accepted = 0;
  let rejected = 0;
  const started = performance.now();
  let inFlight = 0;
  let waitingForSlot: (() => void) | null = null;
  // node:http with keep-alive sockets rather than fetch: the load generator shares the machine's two cores
  // with everything it measures, and fetch costs several times more CPU per request.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${apiUrl}/api/register`);
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const send = async (address: string) => {
    const t0 = performance.now();
    try {
      const status = await post(JSON.stringify({ wallet: address }));
      acceptMs.push(performance.now() - t0);
      if (status === 202 || status === 200) accepted += 1;
      else rejected += 1;
    } catch {
      rejected += 1;
    } finally {
      inFlight -= 1;
      waitingForSlot?.();
    }
  };
  const machineBefore = machineCpuMs();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < wallets.length; index++) {
    const due = started + (index / ratePerSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight >= concurrency) await new Promise<void>((resolve) => (waitingForSlot = resolve));
    inFlight += 1;
    pending.push(send(wallets[index]!));
  }
  await Promise.all(pending);
  const acceptedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  const machineAfter = machineCpuMs();
  const idleMs = machineAfter.idleMs - machineBefore.idleMs;
  const machineIdleShareWhileAccepting =
    Math.round((idleMs / Math.max(1, idleMs + machineAfter.busyMs - machineBefore.busyMs)) * 1000) / 1000;
  const serverLatency = histogramPercentiles(
    await (await fetch(`${apiUrl}/metrics`)).text(),
    '/api/register',
  );

  const database = mode === 'real' ? await openDatabase({ kind: 'postgres', url: databaseUrl! }) : null;
  const count = async () => {
    if (database) {
      const rows = await sql<{
        status: string;
        n: number;
      }>`SELECT status, count(*)::int8 AS n FROM intents WHERE type = 'REGISTER' GROUP BY status`.execute(
        database.db,
      );
      return Object.fromEntries(rows.rows.map((r) => [r.status, r.n])) as Record<string, number>;
    }
    const status = await (await fetch(`${apiUrl}/metrics`)).text();
    const confirmed = Number(/^sge_registrations_total (\d+)/m.exec(status)?.[1] ?? 0);
    return { CONFIRMED: confirmed } as Record<string, number>;
  };
  const deadline = Date.now() + settleTimeoutMs;
  for (;;) {
    const counts = await count();
    if ((counts.CONFIRMED ?? 0) + (counts.FAILED ?? 0) >= accepted) break;
    if (Date.now() > deadline) throw new Error(`not settled in time: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  const rpcCalls = rpc?.total() ?? null;

  const chain = createPublicClient({ transport: http(chainUrl) });
  const supply = Number(
    await chain.readContract({ address: sgeId, abi: sgeIdAbi, functionName: 'totalSupply' }),
  );
  let settleSeconds: number[] = [];
  let gasPerMint: number | null = null;
  let confirmed = accepted;
  let failed = 0;
  if (database) {
    const latencies = await sql<{ s: number }>`
      SELECT extract(epoch FROM confirmed_at - created_at)::float8 AS s FROM intents
       WHERE type = 'REGISTER' AND status = 'CONFIRMED' ORDER BY 1`.execute(database.db);
    settleSeconds = latencies.rows.map((r) => r.s);
    const gas = await sql<{ gas: string; n: number }>`
      SELECT coalesce(sum(t.gas_used), 0)::text AS gas, (SELECT count(*)::int8 FROM settlements WHERE kind = 'REGISTER' AND tx_hash IS NOT NULL) AS n
        FROM relayer_transactions t WHERE t.purpose = 'mint_batch'`.execute(database.db);
    gasPerMint = Math.round(Number(gas.rows[0]!.gas) / Math.max(1, gas.rows[0]!.n));
    const counts = await count();
    confirmed = counts.CONFIRMED ?? 0;
    failed = counts.FAILED ?? 0;
    await database.close();
  }
  for (const cleanup of cleanups) await cleanup();

  acceptMs.sort((a, b) => a - b);
  const report = {
    mode,
    wallets: walletCount,
    workers: mode === 'real' ? workerCount : 'in-process',
    backgroundNice: mode === 'real' ? backgroundNice : null,
    ratePerSecond,
    concurrency,
    cpus: cpus().length,
    seconds: Math.round(seconds * 10) / 10,
    acceptSeconds: Math.round(acceptedSeconds * 10) / 10,
    settledPerSecond: Math.round((confirmed / seconds) * 10) / 10,
    machineIdleShareWhileAccepting,
    acceptP50Ms: Math.round(percentile(acceptMs, 50) * 10) / 10,
    acceptP99Ms: Math.round(percentile(acceptMs, 99) * 10) / 10,
    ...serverLatency,
    settleP50Seconds: Math.round(percentile(settleSeconds, 50) * 10) / 10,
    settleP99Seconds: Math.round(percentile(settleSeconds, 99) * 10) / 10,
    gasPerMint,
    rpcCalls,
    rpcCallsPerRegistration:
      rpcCalls === null ? null : Math.round((rpcCalls / Math.max(1, confirmed)) * 10_000) / 10_000,
    accepted,
    rejected,
    confirmed,
    failed,
    onChainSupply: supply,
    lost: Math.max(0, accepted - confirmed - failed),
    duplicates: Math.max(0, supply - confirmed),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
