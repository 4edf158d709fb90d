import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@sge/contracts';
import { registrationTypedData } from '@sge/shared';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { openDatabase } from '../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { verifyRegistrationProof } from '../src/domain/registration/verify-registration-proof';
import { spawnPlatformProcess } from '../test/support/processes';
import { startRealStack } from '../test/support/real-chain';
import {
  commandCpuMs,
  exitedChildrenCpuMs,
  machineCpuMs,
  processCpuMs,
  stopProcess,
  waitForOk,
} from './support';

/**
 * `npm run bench:register`: POST /api/register acceptance alone (after a 3-second unmeasured warm-up), Real mode (PostgreSQL, Redis, anvil), API
 * processes only (no workers), each request a fresh wallet. Prints requests/s and latency of unsigned
 * registrations (a program with registrationProof 'none') and of signed ones (the default program: signature
 * and expiry in every request) next to a bare node:http server answering a POST in the same run, the mint
 * worker's cost of verifying one signature, and checks every accepted wallet is in the database.
 *
 * Load generator: wrk (C, Debian package `wrk`) when it is installed, with `register-wallets.lua` making every
 * request a fresh wallet; otherwise autocannon. Both share the machine with the server, so the lighter one
 * leaves more of it to the server: on this 2-core machine autocannon spent ~90 µs of CPU per request, wrk ~25.
 *
 * Flags: --seconds N (default 10), --connections N (default 100), --apis N (API processes, default 1),
 * --load wrk|autocannon (default wrk when on PATH), --cpu-prof DIR (write each API process's V8 CPU profile
 * there when it stops, warm-up included).
 */
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const seconds = flag('seconds', 10);
const connections = flag('connections', 100);
const apiCount = flag('apis', 1);
const loadIndex = argv.indexOf('--load');
const wrkInstalled = spawnSync('wrk', ['--version']).error === undefined;
const loadGenerator = loadIndex >= 0 ? argv[loadIndex + 1]! : wrkInstalled ? 'wrk' : 'autocannon';
if (loadGenerator !== 'wrk' && loadGenerator !== 'autocannon') throw new Error('--load: wrk or autocannon');
if (loadGenerator === 'wrk' && !wrkInstalled)
  throw new Error('--load wrk: wrk is not installed (apt-get install wrk)');
const cpuProfIndex = argv.indexOf('--cpu-prof');
const cpuProfDir = cpuProfIndex >= 0 ? argv[cpuProfIndex + 1] : undefined;
const WRK_SCRIPT = fileURLToPath(new URL('./register-wallets.lua', import.meta.url));

type TRun = {
  requestsPerSecond: number;
  /** CPU (all threads) the server processes used per answered request. */
  serverCpuMicrosPerRequest: number;
  /** Share of the machine's CPU left idle during the run (other load on a shared machine shows here). */
  machineIdleShare: number;
  /**
   * The machine's busy CPU per answered request, by what used it: the server processes, PostgreSQL (server and
   * backends), Redis, the load generator, anvil, and everything else (the kernel's own threads, other load).
   */
  machineCpuMicrosPerRequest: Record<'server' | 'postgres' | 'redis' | 'load' | 'anvil' | 'other', number>;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  accepted: number;
  errors: number;
  non2xx: number;
  /** Requests the load generator started (a few are still unanswered when the run ends). */
  sent: number;
};

/** What one load generator run against one URL answered. */
type TLoadResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  accepted: number;
  non2xx: number;
  errors: number;
  sent: number;
};

/**
 * A registration's proof of wallet as the signed runs send it: a 65-byte signature and an expiry ten minutes
 * ahead. Acceptance checks only their shape and the expiry (the mint worker verifies the signature, not
 * running here), so its cost does not depend on the signature being valid; the worker's cost per signature is
 * measured apart (`workerVerify`).
 */
const SIGNED_EXPIRES_AT = () => Math.floor(Date.now() / 1000) + 600;
const SIGNATURE_SHAPE = `0x${'5a'.repeat(64)}1b`;

async function loadWithWrk(
  url: string,
  perUrl: number,
  walletBase: number,
  runSeconds: number,
  signed: boolean,
): Promise<TLoadResult> {
  const { stdout } = await promisify(execFile)('wrk', [
    '-t1',
    `-c${perUrl}`,
    `-d${runSeconds}s`,
    '--timeout',
    '10s',
    '-s',
    WRK_SCRIPT,
    url,
    '--',
    String(walletBase),
    ...(signed ? [String(SIGNED_EXPIRES_AT())] : []),
  ]);
  const line = stdout.split('\n').find((text) => text.startsWith('{'));
  if (!line) throw new Error(`wrk printed no result: ${stdout}`);
  const run = JSON.parse(line) as Record<string, number>;
  return {
    requestsPerSecond: Math.round(run.requests! / (run.durationMicros! / 1e6)),
    p50Ms: run.p50Micros! / 1000,
    p99Ms: run.p99Micros! / 1000,
    p999Ms: run.p999Micros! / 1000,
    accepted: run.accepted!,
    non2xx: run.non2xx!,
    errors: run.errors!,
    sent: run.sent!,
  };
}

async function loadWithAutocannon(
  url: string,
  perUrl: number,
  walletBase: number,
  runSeconds: number,
  signed: boolean,
): Promise<TLoadResult> {
  let counter = 0;
  const proof = signed ? { signature: SIGNATURE_SHAPE, expiresAt: SIGNED_EXPIRES_AT() } : {};
  const result = await autocannon({
    url,
    connections: perUrl,
    duration: runSeconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const wallet = `0x${(walletBase + counter++).toString(16).padStart(40, '0')}`;
          return { ...request, body: JSON.stringify({ wallet, ...proof }) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    p999Ms: result.latency.p99_9,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    sent: counter,
  };
}

/** Processes whose CPU the report shows apart (see TRun.machineCpuMicrosPerRequest). */
const OTHER_COMMANDS = ['postgres', 'redis-server', 'anvil'] as const;

/** Unmeasured load before each measured run, so the server's JIT and connection pools are warm. */
const WARM_UP_SECONDS = 3;
/** Warm-up wallets start at 0x80 << 40; the measured ones stay below it (checked in the database apart). */
const WARM_UP_WALLET_OFFSET = 0x80 * 0x10000000000;
const WARM_UP_WALLETS_FROM = `0x${WARM_UP_WALLET_OFFSET.toString(16).padStart(40, '0')}`;

async function drive(
  urls: string[],
  path: string,
  walletBase: number,
  serverPids: number[],
  signed = false,
): Promise<TRun> {
  const perUrl = Math.ceil(connections / urls.length);
  const load = loadGenerator === 'wrk' ? loadWithWrk : loadWithAutocannon;
  await Promise.all(
    urls.map((url, u) =>
      load(`${url}${path}`, perUrl, WARM_UP_WALLET_OFFSET + u * 0x10000000000, WARM_UP_SECONDS, signed),
    ),
  );
  const serverCpuBefore = serverPids.map(processCpuMs);
  const commandsBefore = commandCpuMs(OTHER_COMMANDS);
  const benchCpuBefore = processCpuMs(process.pid);
  const childrenCpuBefore = exitedChildrenCpuMs();
  const machineBefore = machineCpuMs();
  const results = await Promise.all(
    urls.map((url, u) => load(`${url}${path}`, perUrl, walletBase + u * 0x10000000000, seconds, signed)),
  );
  const serverCpuMs = serverPids.reduce(
    (total, pid, i) => total + processCpuMs(pid) - serverCpuBefore[i]!,
    0,
  );
  const machineAfter = machineCpuMs();
  const commandsAfter = commandCpuMs(OTHER_COMMANDS);
  const commandMs = (name: string) => commandsAfter[name]! - commandsBefore[name]!;
  const machineIdleMs = machineAfter.idleMs - machineBefore.idleMs;
  const machineBusyMs = machineAfter.busyMs - machineBefore.busyMs;
  const sum = (pick: (r: TLoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const max = (pick: (r: TLoadResult) => number) => Math.max(...results.map(pick));
  const answered = Math.max(
    1,
    sum((r) => r.accepted + r.non2xx),
  );
  const perRequest = (ms: number) => Math.round((ms * 1000) / answered);
  // wrk runs as children of this process, done and waited for by now; autocannon runs in this one.
  const loadMs =
    loadGenerator === 'wrk'
      ? exitedChildrenCpuMs() - childrenCpuBefore
      : processCpuMs(process.pid) - benchCpuBefore;
  const accountedMs =
    serverCpuMs + commandMs('postgres') + commandMs('redis-server') + loadMs + commandMs('anvil');
  return {
    requestsPerSecond: sum((r) => r.requestsPerSecond),
    serverCpuMicrosPerRequest: perRequest(serverCpuMs),
    machineCpuMicrosPerRequest: {
      server: perRequest(serverCpuMs),
      postgres: perRequest(commandMs('postgres')),
      redis: perRequest(commandMs('redis-server')),
      load: perRequest(loadMs),
      anvil: perRequest(commandMs('anvil')),
      // /proc counts in 10 ms ticks: the remainder can come out a few ticks below zero.
      other: perRequest(Math.max(0, machineBusyMs - accountedMs)),
    },
    machineIdleShare: Math.round((machineIdleMs / Math.max(1, machineIdleMs + machineBusyMs)) * 1000) / 1000,
    p50Ms: max((r) => r.p50Ms),
    p99Ms: max((r) => r.p99Ms),
    p999Ms: max((r) => r.p999Ms),
    accepted: sum((r) => r.accepted),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    sent: sum((r) => r.sent),
  };
}

/**
 * What the mint worker pays per registration to verify its proof of wallet (an EOA's: secp256k1 recovery in
 * plain JavaScript, no RPC): real signatures of fresh wallets, timed after a warm-up.
 */
async function measureWorkerVerification(): Promise<{ signatures: number; microsPerSignature: number }> {
  const count = 300;
  const proofs: { wallet: `0x${string}`; expiresAt: number; signature: `0x${string}` }[] = [];
  for (let n = 0; n < count + 50; n++) {
    const account = privateKeyToAccount(keccak256(toHex(`bench-register-${n}`)));
    const expiresAt = SIGNED_EXPIRES_AT();
    const typedData = registrationTypedData({
      programId: DEFAULT_PROGRAM_ID,
      wallet: account.address,
      referral: '',
      chainId: 31337,
      expiresAt,
    });
    proofs.push({ wallet: account.address, expiresAt, signature: await account.signTypedData(typedData) });
  }
  const noChain = {
    getCode: async () => undefined,
    verifyTypedData: async () => false,
  } as never;
  const verify = (proof: (typeof proofs)[number]) =>
    verifyRegistrationProof(noChain, {
      ...proof,
      referral: '',
      programId: DEFAULT_PROGRAM_ID,
      chainId: 31337,
    });
  for (const proof of proofs.slice(count)) await verify(proof);
  const started = performance.now();
  for (const proof of proofs.slice(0, count)) {
    if (!(await verify(proof))) throw new Error('a valid signature did not verify');
  }
  return {
    signatures: count,
    microsPerSignature: Math.round(((performance.now() - started) * 1000) / count),
  };
}

async function main() {
  const report: Record<string, unknown> = {
    seconds,
    connections,
    apiProcesses: apiCount,
    cpus: cpus().length,
    loadGenerator,
  };

  const barePort = await freePort();
  const bareSource = `require('node:http').createServer((q, s) => { let b=''; q.on('data', c => b += c); q.on('end', () => { s.writeHead(202, {'content-type': 'application/json'}); s.end(JSON.stringify({ ok: true, n: b.length })); }); }).listen(${barePort}, '127.0.0.1');`;
  const bare = spawn(process.execPath, ['-e', bareSource], { stdio: 'ignore' });
  await waitForOk(`http://127.0.0.1:${barePort}/`, 10_000, bare).catch(() => {});
  const bareRun = await drive([`http://127.0.0.1:${barePort}`], '/', 0x100000000, [bare.pid!]);
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
        spawnPlatformProcess({
          env: { ...env, LOG_LEVEL: 'info' },
          role: 'api',
          nodeArgs: cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`],
        }),
      ),
    );
    // Unsigned: a program that opted out of proof of wallet (registrationProof 'none'), as before issue 18.
    // Signed: the default program (proof required), every request carrying a signature and its expiry.
    const setup = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    const unsignedProgram = await setup.db
      .insertInto('programs')
      .values({ slug: 'bench-unsigned', name: 'Bench (no proof)', registration_proof: 'none' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setup.close();
    const apiUrls = apis.map((api) => api.url!);
    const apiPids = apis.map((api) => api.process.pid!);
    const unsigned = await drive(
      apiUrls,
      `/api/v2/programs/${unsignedProgram.id}/register`,
      0x200000000,
      apiPids,
    );
    const signed = await drive(apiUrls, '/api/register', 0x300000000, apiPids, true);
    for (const api of apis) await api.stop();

    const database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    const countIn = async (programId: string) =>
      (
        await sql<{ n: number }>`
      SELECT count(*)::int8 AS n FROM intents
       WHERE type = 'REGISTER' AND program_id = ${programId}
         AND lower(wallet) COLLATE "C" < ${WARM_UP_WALLETS_FROM}`.execute(database.db)
      ).rows[0]!.n;
    const unsignedFound = await countIn(unsignedProgram.id);
    const signedFound = await countIn(DEFAULT_PROGRAM_ID);
    await database.close();
    report.registerUnsigned = unsigned;
    report.registerSigned = signed;
    report.acceptedInDatabase = { unsigned: unsignedFound, signed: signedFound };
    // Every 2xx must be a durable intent: no accepted wallet may be missing.
    report.lost = Math.max(0, unsigned.accepted - unsignedFound) + Math.max(0, signed.accepted - signedFound);
    report.registerVsBareThroughput =
      Math.round((unsigned.requestsPerSecond / bareRun.requestsPerSecond) * 1000) / 1000;
    report.signedVsUnsignedThroughput =
      Math.round((signed.requestsPerSecond / unsigned.requestsPerSecond) * 1000) / 1000;
    report.workerVerify = await measureWorkerVerification();
    report.targets = { requestsPerSecondMin: 10_000, signedVsUnsignedMin: 0.5, lostMax: 0 };
    report.pass =
      unsigned.requestsPerSecond >= 10_000 &&
      (report.signedVsUnsignedThroughput as number) >= 0.5 &&
      report.lost === 0;
  } finally {
    await stack.stop();
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
