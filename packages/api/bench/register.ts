import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { freePort } from '@sge/contracts';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/client';
import { spawnPlatformProcess } from '../test/support/processes';
import { startRealStack } from '../test/support/real-chain';
import { machineCpuMs, processCpuMs, stopProcess, waitForOk } from './support';

/**
 * `npm run bench:register`: POST /api/register acceptance alone, Real mode (PostgreSQL, Redis, anvil), API
 * processes only (no workers), each request a fresh wallet. Prints requests/s and latency next to a bare
 * node:http server answering a POST in the same run, and checks every accepted wallet is in the database.
 *
 * Flags: --seconds N (default 10), --connections N (default 100), --apis N (API processes, default 1).
 */
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const seconds = flag('seconds', 10);
const connections = flag('connections', 100);
const apiCount = flag('apis', 1);

type TRun = {
  requestsPerSecond: number;
  /** CPU (all threads) the server processes used per answered request. */
  serverCpuMicrosPerRequest: number;
  /** Share of the machine's CPU left idle during the run (other load on a shared machine shows here). */
  machineIdleShare: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  accepted: number;
  errors: number;
  non2xx: number;
};

async function drive(
  urls: string[],
  path: string,
  walletBase: number,
  serverPids: number[],
): Promise<TRun & { wallets: string[] }> {
  const wallets: string[] = [];
  const serverCpuBefore = serverPids.map(processCpuMs);
  const machineBefore = machineCpuMs();
  let counter = 0;
  const perUrl = Math.ceil(connections / urls.length);
  const results = await Promise.all(
    urls.map((url, u) =>
      autocannon({
        url: `${url}${path}`,
        connections: perUrl,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => {
              const wallet = `0x${(walletBase + u * 0x1000000 + counter++).toString(16).padStart(40, '0')}`;
              wallets.push(wallet);
              return { ...request, body: JSON.stringify({ wallet }) };
            },
          },
        ],
      }),
    ),
  );
  const serverCpuMs = serverPids.reduce(
    (total, pid, i) => total + processCpuMs(pid) - serverCpuBefore[i]!,
    0,
  );
  const machineAfter = machineCpuMs();
  const machineIdleMs = machineAfter.idleMs - machineBefore.idleMs;
  const machineBusyMs = machineAfter.busyMs - machineBefore.busyMs;
  const sum = (pick: (r: autocannon.Result) => number) => results.reduce((total, r) => total + pick(r), 0);
  const answered = Math.max(
    1,
    sum((r) => r['2xx'] + r.non2xx),
  );
  const max = (pick: (r: autocannon.Result) => number) => Math.max(...results.map(pick));
  return {
    requestsPerSecond: Math.round(sum((r) => r.requests.average)),
    serverCpuMicrosPerRequest: Math.round((serverCpuMs * 1000) / answered),
    machineIdleShare: Math.round((machineIdleMs / Math.max(1, machineIdleMs + machineBusyMs)) * 1000) / 1000,
    p50Ms: max((r) => r.latency.p50),
    p99Ms: max((r) => r.latency.p99),
    p999Ms: max((r) => r.latency.p99_9),
    accepted: sum((r) => r['2xx']),
    errors: sum((r) => r.errors + r.timeouts),
    non2xx: sum((r) => r.non2xx),
    wallets,
  };
}

async function main() {
  const report: Record<string, unknown> = {
    seconds,
    connections,
    apiProcesses: apiCount,
    cpus: cpus().length,
  };

  const barePort = await freePort();
  const bareSource = `require('node:http').createServer((q, s) => { let b=''; q.on('data', c => b += c); q.on('end', () => { s.writeHead(202, {'content-type': 'application/json'}); s.end(JSON.stringify({ ok: true, n: b.length })); }); }).listen(${barePort}, '127.0.0.1');`;
  const bare = spawn(process.execPath, ['-e', bareSource], { stdio: 'ignore' });
  await waitForOk(`http://127.0.0.1:${barePort}/`, 10_000, bare).catch(() => {});
  const { wallets: _bareWallets, ...bareRun } = await drive(
    [`http://127.0.0.1:${barePort}`],
    '/',
    0x100000000,
    [bare.pid!],
  );
  report.bareNodeHttpPost = bareRun;
  await stopProcess(bare);

  const stack = await startRealStack();
  try {
    const env = {
      ...stack.env,
      RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
      REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '1000',
      LOG_LEVEL: 'warn',
    };
    const apis = await Promise.all(
      Array.from({ length: apiCount }, () =>
        spawnPlatformProcess({ env: { ...env, LOG_LEVEL: 'info' }, role: 'api' }),
      ),
    );
    const run = await drive(
      apis.map((api) => api.url!),
      '/api/register',
      0x200000000,
      apis.map((api) => api.process.pid!),
    );
    for (const api of apis) await api.stop();

    const { wallets, ...figures } = run;
    const database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    const found = await sql<{ n: number }>`
      SELECT count(*)::int8 AS n FROM intents WHERE type = 'REGISTER'`.execute(database.db);
    await database.close();
    report.register = figures;
    report.acceptedInDatabase = found.rows[0]!.n;
    // Every 2xx must be a durable intent: no accepted wallet may be missing.
    report.lost = Math.max(0, figures.accepted - found.rows[0]!.n);
    report.registerVsBareThroughput =
      Math.round((figures.requestsPerSecond / bareRun.requestsPerSecond) * 1000) / 1000;
    report.targets = { requestsPerSecondMin: 10_000, lostMax: 0 };
    report.pass = figures.requestsPerSecond >= 10_000 && report.lost === 0;
    report.walletsSent = wallets.length;
  } finally {
    await stack.stop();
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
