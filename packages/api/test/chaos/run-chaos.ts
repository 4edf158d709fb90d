import { affiliateTermsMessage } from '@sge/shared';
import { type Address, keccak256, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import { signCommercePayload } from '../../src/domain/commerce/commerce-signature';
import { matureCommissions } from '../../src/domain/commissions/mature-commissions';
import { commerceDelivery } from '../support/commerce';
import { signRegistration, type TSignedRegistration } from '../support/registration-proof';
import {
  checkInvariants,
  inFlight,
  type TChaosModel,
  type TExpectedCommission,
  treasuryBalances,
} from './chaos-checks';
import { planClaims, runClaims } from './chaos-claims';
import { chaosClient } from './chaos-client';
import {
  CHAOS_ADMINS,
  CHAOS_COMMERCE,
  startChaosCluster,
  type TChaosCluster,
  type TProcessSlot,
} from './chaos-cluster';
import { seededRandom, type TSeededRandom } from './seeded-random';

/** What affiliate terms are signed for here: anvil's default chain and the default APP_ORIGIN's host. */
const CHAOS_CHAIN_ID = 31337;
const CHAOS_APP_DOMAIN = 'localhost:5173';

/**
 * `npm run test:chaos` — issue 8's proof under faults. A cluster of its own on this machine (two API
 * processes, three workers, PostgreSQL and Redis servers of its own, anvil with 1-second blocks, the primary
 * RPC behind a TCP proxy, the backup direct) takes a mixed load while faults are injected on a schedule drawn
 * from the seed; then, once everything has settled, the invariants are checked (chaos-checks.ts) and a JSON
 * report is printed. Exit code 1 on any violation. `SEED=<n>` replays a run; CHAOS_REGISTRATIONS and
 * CHAOS_RATE tune the load.
 */
const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const REGISTRATIONS = Number(process.env.CHAOS_REGISTRATIONS ?? 10_000);
/** Registration arrivals per second (open loop, at most CONCURRENCY in flight). */
const RATE = Number(process.env.CHAOS_RATE ?? 80);
const CONCURRENCY = 64;
/** Share of wallets registered with an affiliate's code; share of wallets sent a second time. */
const REF_SHARE = 0.3;
const DUPLICATE_SHARE = 0.05;
const AFFILIATES = 24;
const WORKER_KILLS = 22;
/** Payout rounds (revenue → maturity → batch created by one admin, approved by the other, executed). */
const PAYOUT_ROUNDS = 3;
const REVENUE_PER_ROUND = 30;
/** Wallets of their own (keys) that register and then claim SGE with USDC or USDT during the faults. */
const CLAIMERS = Number(process.env.CHAOS_CLAIMERS ?? 40);
const CLAIM_LANES = 4;
/** Everything must have settled this long after the load ended. */
const QUIESCENCE_TIMEOUT_MS = 300_000;

type TFault = {
  kind: string;
  atSeconds: number;
  target?: string;
  /** Drawn with the schedule: the slot to kill (the next live one when it is still restarting). */
  targetIndex?: number;
  durationSeconds?: number;
  detail?: unknown;
};

/** Independent streams, so that the load plan and the fault schedule do not depend on timing. */
const random = seededRandom(SEED);
const faultRandom = seededRandom(SEED ^ 0x5eed_fa17);
const moneyRandom = seededRandom(SEED ^ 0x5eed_c0de);
const claimRandom = seededRandom(SEED ^ 0x5eed_c1a1);
const log = (message: string) => process.stderr.write(`[chaos +${elapsed().toFixed(1)}s] ${message}\n`);
const runStarted = performance.now();
let loadStarted = 0;
const elapsed = () => (performance.now() - (loadStarted || runStarted)) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const operations: Record<string, number> = {};
const count = (kind: string, n = 1) => {
  operations[kind] = (operations[kind] ?? 0) + n;
};
const faults: TFault[] = [];
const driverStats = { noResponse: 0, retried5xx: 0 };
const anomalies: string[] = [];

async function main() {
  log(`seed ${SEED}: starting the cluster`);
  const cluster = await startChaosCluster({ apis: 2, workers: 3 });
  // Interrupted: take the cluster down (its servers and processes are this run's own) before exiting.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the cluster`);
      cluster.stop().finally(() => process.exit(130));
    });
  let exitCode = 1;
  try {
    exitCode = await run(cluster);
  } finally {
    await cluster.stop().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
  }
  process.exit(exitCode);
}

async function run(cluster: TChaosCluster): Promise<number> {
  const api = chaosClient(cluster.apis, driverStats);
  const admin = (who: 'creator' | 'approver') => ({ 'x-admin-key': CHAOS_ADMINS[who].key });
  const model: TChaosModel = {
    registrations: new Map(),
    revenue: [],
    affiliateWallets: new Map(),
    claims: [],
    treasuryBefore: await treasuryBalances(cluster.chain, cluster.deployment),
  };

  // Program: no hold period, a small minimum payout, so commissions can be paid within the run.
  const patched = await api('PATCH', `/api/admin/programs/${DEFAULT_PROGRAM_ID}`, {
    headers: admin('creator'),
    body: { holdPeriodSeconds: 0, minPayoutMicroUsd: '1' },
  });
  // Money settings wait for the second admin (issue 17's maker-checker).
  if (patched.status !== 202)
    throw new Error(`program update: ${patched.status} ${JSON.stringify(patched.body)}`);
  const approvedChange = await api('POST', `/api/admin/changes/${patched.body.pendingChange.id}/approve`, {
    headers: admin('approver'),
  });
  if (approvedChange.status !== 200)
    throw new Error(
      `program change approval: ${approvedChange.status} ${JSON.stringify(approvedChange.body)}`,
    );
  const program = await cluster.database.db
    .selectFrom('programs')
    .select(['commission_levels_bps', 'max_affiliate_depth'])
    .where('id', '=', DEFAULT_PROGRAM_ID)
    .executeTakeFirstOrThrow();

  // Seeded affiliates: a forest, registered through the API with signed terms.
  type TAff = { id: string; code: string; parentIndex: number | null; wallet: Address };
  const affiliates: TAff[] = [];
  const depthOf = (index: number): number => {
    const parent = affiliates[index]!.parentIndex;
    return parent === null ? 1 : 1 + depthOf(parent);
  };
  for (let i = 0; i < AFFILIATES; i++) {
    const account = privateKeyToAccount(generatePrivateKey());
    // A parent below the program's maximum depth (a root is at depth 1).
    const parents = affiliates.flatMap((_affiliate, index) =>
      depthOf(index) < program.max_affiliate_depth ? [index] : [],
    );
    const parentIndex = i < 6 || random.chance(0.25) ? null : random.pick(parents);
    const code = `chaos-${SEED % 100000}-${i}`;
    const parentCode = parentIndex === null ? null : affiliates[parentIndex]!.code;
    const message = affiliateTermsMessage({
      programId: DEFAULT_PROGRAM_ID,
      wallet: account.address,
      code,
      parentCode,
      chainId: CHAOS_CHAIN_ID,
      domain: CHAOS_APP_DOMAIN,
    });
    const response = await api('POST', '/api/affiliates/register', {
      body: {
        programId: DEFAULT_PROGRAM_ID,
        wallet: account.address,
        code,
        ...(parentCode ? { parentCode } : {}),
        signature: await account.signMessage({ message }),
      },
    });
    if (response.status !== 201 && response.status !== 200)
      throw new Error(`affiliate ${code}: ${response.status} ${JSON.stringify(response.body)}`);
    affiliates.push({ id: response.body.id, code, parentIndex, wallet: account.address });
    model.affiliateWallets.set(response.body.id, account.address);
    count('affiliate');
  }
  const chainOf = (index: number) => {
    const chain: TAff[] = [];
    for (let at: number | null = index; at !== null; at = affiliates[at]!.parentIndex)
      chain.push(affiliates[at]!);
    return chain;
  };

  // The registrations to send: seed-derived wallets, some with a ref, some sent twice.
  // Each wallet signs its registration once (issue 18's proof of wallet); a repeat sends the same body.
  type TPlanned = {
    wallet: Address;
    ref: number | null;
    key: string;
    repeat: boolean;
    proof: TSignedRegistration;
  };
  const planned: TPlanned[] = [];
  const refOf = new Map<Address, number | null>();
  for (let i = 0; i < REGISTRATIONS; i++) {
    const account = privateKeyToAccount(keccak256(toHex(`sge-chaos-${SEED}-${i}`)));
    const wallet = account.address;
    const ref = random.chance(REF_SHARE) ? random.int(0, AFFILIATES - 1) : null;
    refOf.set(wallet, ref);
    const proof = await signRegistration({
      account,
      ...(ref === null ? {} : { ref: affiliates[ref]!.code }),
    });
    planned.push({ wallet, ref, key: `chaos-${SEED}-${i}`, repeat: false, proof });
    if (random.chance(DUPLICATE_SHARE)) {
      // A repeat, later on: same Idempotency-Key (a client retry) or a fresh one (a second click).
      const at = random.int(planned.length, planned.length + 200);
      const key = random.chance(0.5) ? `chaos-${SEED}-${i}` : `chaos-${SEED}-${i}-again`;
      planned.splice(Math.min(at, planned.length), 0, { wallet, ref, key, repeat: true, proof });
    }
  }
  for (const { wallet } of planned) model.registrations.set(wallet, { intentId: null });

  const schedule = faultSchedule(faultRandom, planned.length / RATE);
  log(
    `cluster up; ${planned.length} registration requests at ${RATE}/s, ${schedule.length} faults scheduled`,
  );
  loadStarted = performance.now();

  const faultsDone = runFaults(cluster, schedule);
  const claimPlans = planClaims(claimRandom, SEED, CLAIMERS, AFFILIATES);
  const claimsDone = runClaims(cluster, api, model, claimPlans, {
    seed: SEED,
    lanes: CLAIM_LANES,
    affiliateCode: (index) => affiliates[index]!.code,
    expectedCommissions: (ref, base) =>
      ref === null
        ? []
        : expectedCommissions(chainOf(ref), base, program.commission_levels_bps, program.max_affiliate_depth),
    count,
    anomalies,
  });
  const payoutsDone = runPayoutRounds(cluster, api, admin, model, {
    loadSeconds: planned.length / RATE,
    levels: program.commission_levels_bps,
    maxDepth: program.max_affiliate_depth,
    chainOf,
    refOf,
  });

  // Registration load, open loop across both APIs.
  const intentOf = new Map<Address, string>();
  let inflight = 0;
  const pending: Promise<void>[] = [];
  const acceptMs: number[] = [];
  for (let index = 0; index < planned.length; index++) {
    const due = loadStarted + (index / RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    while (inflight >= CONCURRENCY) await sleep(5);
    inflight += 1;
    const request = planned[index]!;
    pending.push(
      (async () => {
        const t0 = performance.now();
        const response = await api('POST', '/api/register', {
          preferred: index % 2,
          headers: { 'idempotency-key': request.key },
          body: request.proof,
        });
        inflight -= 1;
        acceptMs.push(performance.now() - t0);
        count(request.repeat ? 'registerRepeat' : 'register');
        count(`registerStatus${response.status}`);
        if (response.attempts > 1) count('registerRetried');
        if (response.status === 202 || response.status === 200) {
          const known = intentOf.get(request.wallet);
          if (known && known !== response.body.intentId)
            anomalies.push(
              `wallet ${request.wallet} answered two intents: ${known}, ${response.body.intentId}`,
            );
          intentOf.set(request.wallet, response.body.intentId);
          model.registrations.set(request.wallet, { intentId: response.body.intentId });
        } else {
          anomalies.push(
            `register ${request.wallet}: ${response.status} ${JSON.stringify(response.body)} after ${response.attempts} attempts; last: ${response.lastFailure}`,
          );
        }
      })(),
    );
  }
  await Promise.all(pending);
  const loadSeconds = elapsed();
  log(`load sent in ${loadSeconds.toFixed(1)} s; waiting for the faults and payout rounds`);
  await faultsDone;
  await payoutsDone;
  await claimsDone;

  // Quiescence: every process up again, nothing in flight.
  for (const slot of [...cluster.apis, ...cluster.workers]) if (!slot.current) await cluster.start(slot);
  const quiesceStarted = elapsed();
  const deadline = Date.now() + QUIESCENCE_TIMEOUT_MS;
  let last = await inFlight(cluster.database.db);
  // Claims left to the chain watcher count as in flight until it has recorded them.
  const unrecordedClaims = async () =>
    model.claims.length -
    Number(
      (
        await cluster.database.db
          .selectFrom('settlements')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('kind', '=', 'CLAIM')
          .executeTakeFirstOrThrow()
      ).n,
    );
  let claimsLeft = await retry(unrecordedClaims);
  while (
    last.intents + last.transactions + last.batches + last.mints + Math.max(0, claimsLeft) > 0 &&
    Date.now() < deadline
  ) {
    await sleep(1000);
    last = await inFlight(cluster.database.db).catch(() => last);
    claimsLeft = await unrecordedClaims().catch(() => claimsLeft);
  }
  const settledAt = elapsed();
  log(`quiescent after ${(settledAt - quiesceStarted).toFixed(1)} s more: ${JSON.stringify(last)}; checking`);

  const { violations, figures } = await checkInvariants(cluster, model);
  for (const anomaly of anomalies.slice(0, 20)) violations.push({ check: 'load driver', detail: anomaly });
  for (const exit of cluster.unexpectedExits)
    violations.push({ check: 'process exited without being killed', detail: exit });
  const accepted = [...model.registrations.values()].filter((r) => r.intentId).length;
  if (accepted < model.registrations.size)
    violations.push({ check: 'registrations not accepted', detail: model.registrations.size - accepted });
  if (model.claims.length < CLAIMERS)
    violations.push({ check: 'claims not made', detail: CLAIMERS - model.claims.length });
  const confirmed = (figures.intents as Record<string, Record<string, number>>).REGISTER?.CONFIRMED ?? 0;
  acceptMs.sort((a, b) => a - b);
  const report = {
    seed: SEED,
    passed: violations.length === 0,
    operations: {
      ...operations,
      driverNoResponse: driverStats.noResponse,
      driverRetried: driverStats.retried5xx,
    },
    faults,
    figures: {
      totalSeconds: Math.round((performance.now() - runStarted) / 100) / 10,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      settledAtSeconds: Math.round(settledAt * 10) / 10,
      quiescenceSeconds: Math.round((settledAt - quiesceStarted) * 10) / 10,
      settledPerSecond: Math.round((confirmed / settledAt) * 10) / 10,
      acceptP50Ms: Math.round(acceptMs[Math.floor(acceptMs.length * 0.5)] ?? 0),
      acceptP99Ms: Math.round(acceptMs[Math.floor(acceptMs.length * 0.99)] ?? 0),
      processStarts: Object.fromEntries([...cluster.apis, ...cluster.workers].map((s) => [s.name, s.starts])),
      ...figures,
    },
    violations,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `chaos ${report.passed ? 'PASSED' : 'FAILED'} — seed ${SEED} (replay: SEED=${SEED} npm run test:chaos)\n`,
  );
  return report.passed ? 0 : 1;
}

/** The fault schedule, from the seed: times (seconds after the load started) spread over the load window. */
function faultSchedule(random: TSeededRandom, loadSeconds: number): TFault[] {
  const window = Math.max(60, loadSeconds);
  const at = (from: number, to: number) =>
    Math.round((from + random.next() * (to - from)) * window * 10) / 10;
  const schedule: TFault[] = [];
  for (let i = 0; i < WORKER_KILLS; i++)
    schedule.push({
      kind: 'sigkill-worker',
      targetIndex: random.int(0, 2),
      atSeconds: Math.round(((i + random.next()) / WORKER_KILLS) * window * 0.95 * 10) / 10,
    });
  schedule.push({
    kind: 'sigkill-api',
    atSeconds: at(0.1, 0.4),
    durationSeconds: 5,
    targetIndex: random.int(0, 1),
  });
  schedule.push({ kind: 'redis-stopped', atSeconds: at(0.15, 0.5), durationSeconds: 30 });
  schedule.push({ kind: 'postgres-restarted', atSeconds: at(0.4, 0.75), durationSeconds: 3 });
  schedule.push({ kind: 'primary-rpc-cut', atSeconds: at(0.2, 0.7), durationSeconds: 20 });
  schedule.push({ kind: 'base-fee-spike', atSeconds: at(0.3, 0.8), durationSeconds: 3 });
  return schedule.sort((a, b) => a.atSeconds - b.atSeconds);
}

async function runFaults(cluster: TChaosCluster, schedule: TFault[]) {
  const running: Promise<void>[] = [];
  for (const fault of schedule) {
    const wait = loadStarted + fault.atSeconds * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    running.push(
      inject(cluster, fault).catch((error: unknown) => {
        anomalies.push(`fault ${fault.kind} failed: ${(error as Error).message}`);
      }),
    );
  }
  await Promise.all(running);
}

async function inject(cluster: TChaosCluster, fault: TFault) {
  const record = (detail: Partial<TFault>) => {
    faults.push({ ...fault, ...detail, atSeconds: Math.round(elapsed() * 10) / 10 });
    log(`fault ${fault.kind} ${detail.target ?? ''}`);
  };
  switch (fault.kind) {
    case 'sigkill-worker': {
      // A live worker (when every one is still restarting from earlier kills, the first to be up again).
      let live = cluster.workers.filter((slot) => slot.current && !slot.starting);
      while (live.length === 0) {
        await sleep(200);
        live = cluster.workers.filter((slot) => slot.current && !slot.starting);
      }
      const wanted = cluster.workers[fault.targetIndex! % cluster.workers.length]!;
      const target: TProcessSlot = live.includes(wanted) ? wanted : live[0]!;
      record({ target: target.name, detail: { pid: target.current!.process.pid } });
      await cluster.kill(target);
      await cluster.start(target);
      return;
    }
    case 'sigkill-api': {
      const target = cluster.apis[fault.targetIndex! % cluster.apis.length]!;
      record({ target: target.name, detail: { pid: target.current?.process.pid } });
      await cluster.kill(target);
      await sleep(fault.durationSeconds! * 1000);
      await cluster.start(target);
      return;
    }
    case 'redis-stopped':
      record({});
      await cluster.redis.stop();
      await sleep(fault.durationSeconds! * 1000);
      await cluster.redis.start();
      return;
    case 'postgres-restarted':
      record({});
      await cluster.postgres.stop();
      await sleep(fault.durationSeconds! * 1000);
      await cluster.postgres.start();
      return;
    case 'primary-rpc-cut':
      record({});
      cluster.rpcProxy.cut();
      await sleep(fault.durationSeconds! * 1000);
      await cluster.rpcProxy.restore();
      return;
    case 'base-fee-spike': {
      const baseFee = (await cluster.chain.getBlock({ blockTag: 'latest' })).baseFeePerGas!;
      // 60× the current base fee: transactions already sent (max fee 2× base) are stranded until replaced.
      const spiked = baseFee * 60n + 10n ** 9n;
      record({ detail: { baseFeeWei: baseFee.toString(), spikedWei: spiked.toString() } });
      for (let i = 0; i < fault.durationSeconds!; i++) {
        await cluster.chain.setNextBlockBaseFeePerGas({ baseFeePerGas: spiked });
        await sleep(1000);
      }
      return;
    }
  }
}

/**
 * Money under faults: each round records revenue (Commerce payments by referred, registered users),
 * matures the commissions, and has one admin create a payout batch that the other approves (the creator's
 * own approval is refused first) and then executes — a worker pays it on-chain.
 */
async function runPayoutRounds(
  cluster: TChaosCluster,
  api: ReturnType<typeof chaosClient>,
  admin: (who: 'creator' | 'approver') => Record<string, string>,
  model: TChaosModel,
  context: {
    loadSeconds: number;
    levels: number[];
    maxDepth: number;
    chainOf: (index: number) => { id: string; code: string }[];
    refOf: Map<Address, number | null>;
  },
) {
  const { db } = cluster.database;
  const paidWallets = new Set<Address>();
  for (let round = 0; round < PAYOUT_ROUNDS; round++) {
    const due = loadStarted + ((round + 1) / (PAYOUT_ROUNDS + 1)) * context.loadSeconds * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    // Commerce payments by referred wallets the platform accepted (registered or not yet minted), each
    // confirmed by a signed webhook that is delivered again (and sometimes twice at once), after a forged one.
    const candidates = [...context.refOf].filter(
      ([wallet, ref]) =>
        ref !== null && model.registrations.get(wallet)?.intentId && !paidWallets.has(wallet),
    );
    const payers = new Set<Address>();
    while (payers.size < Math.min(REVENUE_PER_ROUND, candidates.length))
      payers.add(moneyRandom.pick(candidates)[0]);
    const plans = [...payers].map((wallet) => ({
      wallet,
      redeliveries: moneyRandom.int(1, 3),
      concurrent: moneyRandom.chance(0.3),
    }));
    for (const wallet of payers) paidWallets.add(wallet);
    await Promise.all(
      Array.from({ length: 6 }, async (_, lane) => {
        for (let k = lane; k < plans.length; k += 6) await payThroughCommerce(api, model, context, plans[k]!);
      }),
    );
    await retry(() => matureCommissions(db, new Date(Date.now() + 1000)));

    const created = await api('POST', '/api/admin/payout-batches', {
      headers: admin('creator'),
      body: { programId: DEFAULT_PROGRAM_ID },
    });
    let batchId: string | undefined = created.status === 201 ? created.body.id : undefined;
    if (!batchId && created.attempts > 1) {
      // The first attempt may have committed without an answer: the batch is then the newest one.
      batchId = (
        await retry(() =>
          db
            .selectFrom('payout_batches')
            .select('id')
            .where('status', '=', 'PENDING_APPROVAL')
            .orderBy('created_at', 'desc')
            .executeTakeFirst(),
        )
      )?.id;
    }
    if (!batchId) {
      anomalies.push(
        `payout round ${round}: batch not created: ${created.status} ${JSON.stringify(created.body)}`,
      );
      continue;
    }
    count('payoutBatchCreated');
    // What the approvers sign, from the batch itself (its creation's answer may have been lost).
    const batch = await api('GET', `/api/admin/payout-batches/${batchId}`, { headers: admin('creator') });
    const sign = (who: 'creator' | 'approver') =>
      CHAOS_ADMINS[who].account.signTypedData(batch.body.approval.typedData);
    const signed = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
      headers: admin('creator'),
      body: { signature: await sign('creator') },
    });
    if (signed.status === 200 || (signed.attempts > 1 && signed.status === 409)) count('payoutBatchSigned');
    else
      anomalies.push(
        `creator's signature of ${batchId} answered ${signed.status} ${JSON.stringify(signed.body)}`,
      );
    const self = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
      headers: admin('creator'),
      body: { signature: await sign('creator') },
    });
    if (self.status === 403) count('payoutSelfApprovalRefused');
    else anomalies.push(`self-approval of ${batchId} answered ${self.status}`);
    const approved = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
      headers: admin('approver'),
      body: { signature: await sign('approver') },
    });
    if (approved.status === 200 || (approved.attempts > 1 && approved.status === 409))
      count('payoutBatchApproved');
    else
      anomalies.push(`approval of ${batchId} answered ${approved.status} ${JSON.stringify(approved.body)}`);
    const executed = await api('POST', `/api/admin/payout-batches/${batchId}/execute`, {
      headers: admin('creator'),
    });
    if (executed.status === 202 || (executed.attempts > 1 && executed.status === 409))
      count('payoutBatchExecuted');
    else
      anomalies.push(`execution of ${batchId} answered ${executed.status} ${JSON.stringify(executed.body)}`);
    // An operator double-click: executing again must not start a second payment.
    const again = await api('POST', `/api/admin/payout-batches/${batchId}/execute`, {
      headers: admin('approver'),
    });
    count(`payoutExecuteRepeat${again.status}`);
  }
}

/** One Commerce payment: charge (Idempotency-Key), a forged webhook (refused), then the signed one delivered again. */
async function payThroughCommerce(
  api: ReturnType<typeof chaosClient>,
  model: TChaosModel,
  context: {
    levels: number[];
    maxDepth: number;
    chainOf: (index: number) => { id: string; code: string }[];
    refOf: Map<Address, number | null>;
  },
  plan: { wallet: Address; redeliveries: number; concurrent: boolean },
) {
  const ref = context.refOf.get(plan.wallet)!;
  const chain = context.chainOf(ref);
  const charge = await api('POST', '/api/commerce/charge', {
    preferred: moneyRandom.int(0, 1),
    headers: { 'idempotency-key': `chaos-charge-${SEED}-${plan.wallet}` },
    body: { wallet: plan.wallet, ref: chain[0]!.code },
  });
  if (charge.status !== 201) {
    anomalies.push(
      `charge for ${plan.wallet}: ${charge.status} ${JSON.stringify(charge.body)}; last: ${charge.lastFailure}`,
    );
    return;
  }
  count('commerceCharge');
  const code: string = charge.body.code;
  const amount = BigInt(charge.body.amount);
  const decimal = `${amount / 1_000_000n}.${(amount % 1_000_000n).toString().padStart(6, '0')}`;
  const { body } = commerceDelivery({
    type: 'charge:confirmed',
    code,
    programId: DEFAULT_PROGRAM_ID,
    wallet: plan.wallet,
    amount: decimal,
  });
  const deliver = async (signature: string, preferred: number) =>
    await api('POST', '/api/commerce/webhook', {
      preferred,
      rawBody: body,
      headers: { 'content-type': 'application/json', 'x-cc-webhook-signature': signature },
    });
  const forged = await deliver(signCommercePayload(body, 'not-the-secret'), 0);
  if (forged.status === 400) count('webhookForgedRefused');
  else anomalies.push(`forged webhook for ${code} answered ${forged.status}`);
  const signature = signCommercePayload(body, CHAOS_COMMERCE.webhookSecret);
  const outcomes: string[] = [];
  for (let i = 0; i < plan.redeliveries; i++) {
    const answers =
      plan.concurrent && i === 0
        ? await Promise.all([deliver(signature, 0), deliver(signature, 1)])
        : [await deliver(signature, i % 2)];
    for (const answer of answers) {
      count('webhookDelivery');
      if (answer.status !== 200)
        anomalies.push(`webhook for ${code} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      else outcomes.push(answer.body.outcome);
    }
  }
  count('webhookProcessed', outcomes.filter((o) => o === 'processed').length);
  count('webhookDuplicate', outcomes.filter((o) => o === 'duplicate').length);
  if (outcomes.filter((o) => o === 'processed').length !== 1)
    anomalies.push(
      `webhook for ${code} processed ${outcomes.filter((o) => o === 'processed').length} times: ${outcomes}`,
    );
  model.revenue.push({
    providerRef: code,
    expected: expectedCommissions(chain, amount, context.levels, context.maxDepth),
  });
}

/** The program's rules, as the model states them: one commission per level with a non-zero amount. */
function expectedCommissions(
  chain: { id: string }[],
  base: bigint,
  levels: number[],
  maxDepth: number,
): TExpectedCommission[] {
  return chain
    .slice(0, Math.min(levels.length, maxDepth))
    .map((affiliate, level) => ({
      affiliateId: affiliate.id,
      level: level + 1,
      amount: (base * BigInt(levels[level]!)) / 10_000n,
    }))
    .filter((row) => row.amount > 0n);
}

/** Retries a harness-side database call through a PostgreSQL restart. */
async function retry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 60) throw error;
      await sleep(1000);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos run crashed (seed ${SEED}): ${(error as Error).stack}\n`);
  process.exit(1);
});
