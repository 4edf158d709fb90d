import { sgeIdAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { type Address, createPublicClient, createWalletClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey, loadConfig } from '../src/config';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { writeWatermark } from '../src/domain/reconciliation/watermarks';
import { createLogger } from '../src/logging/logger';
import { startPlatform } from '../src/platform';
import { startRealStack } from '../test/support/real-chain';

/**
 * `npm run bench:recon [-- --history 200000 --new 10000]`
 *
 * A reconciliation run over `new` REGISTER settlements (real SGE-ID mints on anvil, 500 wallets per
 * transaction) on top of `history` settlements already reconciled (seeded in SQL, watermark after them), in
 * Real mode (PostgreSQL, Redis, BullMQ) with the API and a worker in ONE process (role `all`: the worst case
 * for the API, as in Mock mode — the run shares the event loop). Measures /healthz and /api/status latency
 * (one request at a time each) for BASELINE_MS without a run, then during the run; prints one JSON object with
 * the run's duration, per-check durations and the p50/p99/max of both endpoints with and without the run.
 * Targets (issue 22): run ≤ 5 s; /healthz p99 ≤ 50 ms during the run; /api/status as fast as without one.
 */
const WALLETS_PER_MINT = 500;
const BASELINE_MS = 5_000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0) * 100) / 100;
  return { requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

/** Sends GETs to `url` one at a time until `until()` is true; the latency of each in ms. */
async function probe(url: string, until: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (!until()) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main() {
  const history = argument('history', 200_000);
  const fresh = argument('new', 10_000);
  const stack = await startRealStack();
  const config = loadConfig({
    ...stack.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RECONCILIATION_SCHEDULE: 'off',
    // The history sits in block 1 of a young chain (a few dozen blocks): a reorg window of 8 blocks keeps it
    // out of the window, as a real chain's history is (the default 128 would re-read all of it here).
    RECONCILIATION_RECHECK_BLOCKS: '8',
    ADMIN_API_KEYS: 'bench:bench-admin-key-0123456789abcdef0123456789',
  });
  const platform = await startPlatform(config, createLogger({ level: 'silent' }));
  const { db } = platform.runtime.database;
  try {
    // History: already reconciled REGISTER settlements (fake transactions), 500 per transaction, 10 s apart
    // over the last month (so the re-check window before the watermark holds an hour of them, as it would).
    const seedStarted = performance.now();
    for (let from = 1; from <= history; from += 50_000) {
      const to = Math.min(history, from + 49_999);
      await sql`
        WITH i AS (
          INSERT INTO intents (program_id, type, idempotency_key, wallet, status, created_at, updated_at, confirmed_at)
          SELECT ${DEFAULT_PROGRAM_ID}::uuid, 'REGISTER', 'bench:' || g, '0x' || lpad(to_hex(g), 40, '0'), 'CONFIRMED',
                 now() - interval '30 days' + g * interval '10 seconds', now(), now()
            FROM generate_series(${from}::int, ${to}::int) g
          RETURNING id, wallet, created_at, substr(idempotency_key, 7)::int AS g)
        INSERT INTO settlements (program_id, intent_id, kind, wallet, tx_hash, block_number, amount, currency,
                                 details, verified_at, created_at)
        SELECT ${DEFAULT_PROGRAM_ID}::uuid, i.id, 'REGISTER', i.wallet,
               '0x' || lpad(to_hex(i.g / ${WALLETS_PER_MINT}), 64, '0'),
               1, 1, 'ETH', '{}', now(), i.created_at
          FROM i`.execute(db);
    }
    await sql`ANALYZE`.execute(db);
    const last = await sql<{ id: string; created_at_text: string }>`
      SELECT id, created_at::text AS created_at_text FROM settlements ORDER BY created_at DESC, id DESC LIMIT 1`.execute(
      db,
    );
    for (const name of ['settlements_on_chain']) {
      await writeWatermark(
        db,
        name,
        { createdAt: last.rows[0]!.created_at_text, id: last.rows[0]!.id },
        null,
      );
    }
    const seedMs = performance.now() - seedStarted;

    // New: real mints on the chain, and their settlements as the register worker records them.
    const transport = http(stack.anvil.rpcUrl);
    const relayer = privateKeyToAccount(devPrivateKey(1));
    const wallet = createWalletClient({ transport, account: relayer });
    const publicClient = createPublicClient({ transport });
    for (let minted = 0; minted < fresh; minted += WALLETS_PER_MINT) {
      const wallets: Address[] = Array.from(
        { length: Math.min(WALLETS_PER_MINT, fresh - minted) },
        () => privateKeyToAccount(generatePrivateKey()).address,
      );
      const hash = await wallet.writeContract({
        address: stack.deployment.contracts.sgeId,
        abi: sgeIdAbi,
        functionName: 'mintBatch',
        args: [wallets],
        chain: null,
        gas: 25_000_000n,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`mint ${hash} reverted`);
      await sql`
        WITH w AS (SELECT unnest(${wallets}::text[]) AS wallet,
                          unnest(${wallets.map((address) => BigInt(address).toString())}::text[]) AS token_id),
        i AS (
          INSERT INTO intents (program_id, type, idempotency_key, wallet, status, confirmed_at)
          SELECT ${DEFAULT_PROGRAM_ID}::uuid, 'REGISTER', 'bench-new:' || w.wallet, w.wallet, 'CONFIRMED', now() FROM w
          RETURNING id, wallet)
        INSERT INTO settlements (program_id, intent_id, kind, wallet, tx_hash, block_number, block_hash, amount,
                                 currency, details)
        SELECT ${DEFAULT_PROGRAM_ID}::uuid, i.id, 'REGISTER', i.wallet, ${hash.toLowerCase()},
               ${Number(receipt.blockNumber)}, ${receipt.blockHash}, 1, 'ETH',
               jsonb_build_object('tokenId', w.token_id)
          FROM i JOIN w ON w.wallet = i.wallet`.execute(db);
    }
    await sql`ANALYZE`.execute(db);

    const url = platform.url!;
    const statusUrl = `${url}/api/status?wallet=${'0x'}${'0'.repeat(39)}1`;
    const baselineEnd = performance.now() + BASELINE_MS;
    const [baseHealthz, baseStatus] = await Promise.all([
      probe(`${url}/healthz`, () => performance.now() > baselineEnd),
      probe(statusUrl, () => performance.now() > baselineEnd),
    ]);

    let finished = false;
    const run = await fetch(`${url}/api/admin/reconciliation/run`, {
      method: 'POST',
      headers: {
        'x-admin-key': 'bench-admin-key-0123456789abcdef0123456789',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    if (run.status !== 202) throw new Error(`run now answered ${run.status}: ${await run.text()}`);
    const { id } = (await run.json()) as { id: string };
    const watch = (async () => {
      for (;;) {
        const row = await db
          .selectFrom('reconciliation_runs')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        if (row.status !== 'RUNNING') {
          finished = true;
          return row;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const [runHealthz, runStatus, row] = await Promise.all([
      probe(`${url}/healthz`, () => finished),
      probe(statusUrl, () => finished),
      watch,
    ]);
    const checks = (typeof row.checks === 'string' ? JSON.parse(row.checks) : row.checks) as {
      name: string;
      status: string;
      durationMs: number;
      summary: string;
      figures: Record<string, unknown>;
    }[];
    const onChain = checks.find((check) => check.name === 'settlements_on_chain');
    const healthzDuring = stats(runHealthz);
    const statusBase = stats(baseStatus);
    const statusDuring = stats(runStatus);
    process.stdout.write(
      `${JSON.stringify(
        {
          historySettlements: history,
          newSettlements: fresh,
          seedMs: Math.round(seedMs),
          process: 'API and worker in one process (role all, BullMQ on Redis)',
          run: {
            status: row.status,
            durationMs: new Date(row.finished_at!).getTime() - new Date(row.started_at).getTime(),
            checks: Object.fromEntries(
              checks.map((check) => [
                check.name,
                check.status === 'OK'
                  ? { status: check.status, durationMs: check.durationMs }
                  : { status: check.status, durationMs: check.durationMs, summary: check.summary },
              ]),
            ),
            settlementsOnChain: onChain?.figures,
          },
          healthz: { baseline: stats(baseHealthz), duringRun: healthzDuring },
          status: {
            baseline: statusBase,
            duringRun: statusDuring,
            p50Ratio: Math.round((statusDuring.p50Ms / Math.max(statusBase.p50Ms, 0.01)) * 100) / 100,
            p99Ratio: Math.round((statusDuring.p99Ms / Math.max(statusBase.p99Ms, 0.01)) * 100) / 100,
          },
          targets: {
            runAtMost5s: new Date(row.finished_at!).getTime() - new Date(row.started_at).getTime() <= 5_000,
            healthzP99AtMost50ms: healthzDuring.p99Ms <= 50,
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await platform.stop();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
