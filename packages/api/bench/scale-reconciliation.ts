import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployContracts, sgeIdAbi, type TDeployment } from '@sge/contracts';
import { sql } from 'kysely';
import { type Address, createPublicClient, createWalletClient, getAddress, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey } from '../src/config';
import type { TDb } from '../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { writeWatermark } from '../src/domain/reconciliation/watermarks';

/**
 * The scale bench's reconciliation measurement (issue 22): a run over NEW_SETTLEMENTS new REGISTER settlements
 * (real SGE-ID mints on anvil, 500 wallets per transaction, recorded as the mint worker records them) on top
 * of the seeded history, which the previous daily run is taken to have read (each check's watermark after it,
 * as bench/recon.ts does); `/healthz` is probed one request at a time for BASELINE_MS without a run, then
 * during the run, and the p99 during the run is reported against the p99 without it.
 *
 * The seeded history sits at block numbers up to 2,000,000 + users (scale-seed.ts); a fresh anvil's head is
 * near 0, which would put the whole history inside the reorg re-check window (settlements in the last
 * RECONCILIATION_RECHECK_BLOCKS blocks are read again every run). So the bench's chain starts from a genesis
 * at block CHAIN_START_BLOCK, above any seeded block: history is old, as on a real chain.
 */
export const NEW_SETTLEMENTS = 10_000;
const WALLETS_PER_MINT = 500;
const BASELINE_MS = 5_000;
/** 2^22 = 4,194,304: above the seed's highest block number (2,000,000 + users, for up to 2M users). */
export const CHAIN_START_BLOCK = 4_194_304;

/** Writes a genesis file for `anvil --init` whose first block is CHAIN_START_BLOCK; returns its path. */
export function writeHighGenesis(dir: string, chainId = 31337): string {
  const path = join(dir, 'genesis.json');
  writeFileSync(
    path,
    JSON.stringify({
      config: { chainId },
      number: `0x${CHAIN_START_BLOCK.toString(16)}`,
      timestamp: `0x${Math.floor(Date.now() / 1000).toString(16)}`,
      gasLimit: `0x${(30_000_000).toString(16)}`,
      difficulty: '0x0',
      alloc: {},
    }),
  );
  return path;
}

/** Deploys the contracts on `rpcUrl` and returns the Real-mode environment that points the platform at them. */
export async function deployForBench(
  rpcUrl: string,
): Promise<{ deployment: TDeployment; env: Record<string, string> }> {
  const relayerKey = devPrivateKey(1);
  const transport = http(rpcUrl);
  const deployment = await deployContracts({
    publicClient: createPublicClient({ transport }),
    walletClient: createWalletClient({ transport, account: privateKeyToAccount(devPrivateKey(0)) }),
    relayer: privateKeyToAccount(relayerKey).address,
    treasury: privateKeyToAccount(devPrivateKey(2)).address,
  });
  const { contracts } = deployment;
  return {
    deployment,
    env: {
      RPC_URL: rpcUrl,
      RELAYER_PRIVATE_KEY: relayerKey,
      TREASURY_ADDRESS: deployment.treasury,
      SGE_ID_ADDRESS: contracts.sgeId,
      SGE_CLAIM_ADDRESS: contracts.sgeClaim,
      PAYOUT_ADDRESS: contracts.payout,
      AFFILIATE_REGISTRY_ADDRESS: contracts.affiliateRegistry,
      USDC_ADDRESS: contracts.usdc,
      USDT_ADDRESS: contracts.usdt,
      SGE_TOKEN_ADDRESS: contracts.sgeToken,
    },
  };
}

/**
 * Moves the watermarks of the checks that keep one to the newest row they read, as a finished daily run over
 * the seeded history leaves them (the seed marks its settlements verified).
 */
async function markHistoryReconciled(db: TDb): Promise<void> {
  const newest = async (query: ReturnType<typeof sql<{ id: string; created_at_text: string }>>) => {
    const row = (await query.execute(db)).rows[0];
    return row ? { createdAt: row.created_at_text, id: row.id } : null;
  };
  const marks = {
    settlements_on_chain: await newest(sql`
      SELECT id, created_at::text AS created_at_text FROM settlements WHERE tx_hash IS NOT NULL
       ORDER BY created_at DESC, id DESC LIMIT 1`),
    commissions: await newest(sql`
      SELECT id, created_at::text AS created_at_text FROM settlements WHERE kind IN ('CLAIM', 'COMMERCE_PAYMENT')
       ORDER BY created_at DESC, id DESC LIMIT 1`),
    ledger: await newest(sql`
      SELECT id, created_at::text AS created_at_text FROM ledger_transactions
       ORDER BY created_at DESC, id DESC LIMIT 1`),
  };
  for (const [name, mark] of Object.entries(marks)) if (mark) await writeWatermark(db, name, mark, null);
  // The seed marks its settlements verified; a run of an earlier bench (or of an older bench without a chain
  // above the history) may have found its fake transactions missing and cleared that, and every later run would
  // then re-check them as "unverified". The history is taken as verified, as the seed wrote it.
  await sql`UPDATE settlements SET verified_at = created_at + interval '10 minutes'
             WHERE verified_at IS NULL AND tx_hash IS NOT NULL`.execute(db);
}

/**
 * Mints `count` SGE-IDs on the chain (500 per transaction) and records each as the mint worker does: a
 * CONFIRMED REGISTER intent and its settlement (transaction, block, token id). Returns the intents' ids.
 */
async function addNewSettlements(
  db: TDb,
  rpcUrl: string,
  deployment: TDeployment,
  count: number,
): Promise<string[]> {
  const transport = http(rpcUrl);
  const relayer = createWalletClient({ transport, account: privateKeyToAccount(devPrivateKey(1)) });
  const publicClient = createPublicClient({ transport });
  const intentIds: string[] = [];
  for (let minted = 0; minted < count; minted += WALLETS_PER_MINT) {
    const wallets: Address[] = Array.from({ length: Math.min(WALLETS_PER_MINT, count - minted) }, () =>
      getAddress(`0x${randomBytes(20).toString('hex')}`),
    );
    const hash = await relayer.writeContract({
      address: deployment.contracts.sgeId,
      abi: sgeIdAbi,
      functionName: 'mintBatch',
      args: [wallets],
      chain: null,
      gas: 25_000_000n,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`mint ${hash} reverted`);
    const tokenIds = wallets.map((wallet) => BigInt(wallet).toString());
    const inserted = await sql<{ id: string }>`
      WITH w AS (SELECT unnest(${wallets}::text[]) AS wallet, unnest(${tokenIds}::text[]) AS token_id,
                        generate_subscripts(${wallets}::text[], 1) - 1 AS log_index),
      i AS (
        INSERT INTO intents (program_id, type, idempotency_key, wallet, status, confirmed_at)
        SELECT ${DEFAULT_PROGRAM_ID}::uuid, 'REGISTER', 'register:' || ${DEFAULT_PROGRAM_ID} || ':' || w.wallet,
               w.wallet, 'CONFIRMED', now() FROM w
        RETURNING id, wallet)
      INSERT INTO settlements (program_id, intent_id, kind, wallet, tx_hash, block_number, block_hash, log_index,
                               amount, currency, details)
      SELECT ${DEFAULT_PROGRAM_ID}::uuid, i.id, 'REGISTER', i.wallet, ${hash.toLowerCase()},
             ${Number(receipt.blockNumber)}, ${receipt.blockHash}, w.log_index, 1, 'ETH',
             jsonb_build_object('tokenId', w.token_id)
        FROM i JOIN w ON w.wallet = i.wallet
      RETURNING intent_id AS id`.execute(db);
    intentIds.push(...inserted.rows.map((row) => row.id));
  }
  await sql`ANALYZE intents, settlements`.execute(db);
  return intentIds;
}

/** Removes what addNewSettlements wrote, so a kept database stays at its seeded size for the next bench. */
async function removeNewSettlements(db: TDb, intentIds: string[]): Promise<void> {
  for (let start = 0; start < intentIds.length; start += 1_000) {
    const ids = intentIds.slice(start, start + 1_000);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('settlements').where('intent_id', 'in', ids).execute();
      await tx.deleteFrom('intent_events').where('intent_id', 'in', ids).execute();
      await tx.deleteFrom('intents').where('id', 'in', ids).execute();
    });
  }
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0) * 100) / 100;
  return { requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

/** GETs `url` one request at a time until `until()` is true; each request's latency in ms. */
async function probe(url: string, until: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (!until()) {
    const started = performance.now();
    await (await fetch(url)).arrayBuffer();
    samples.push(performance.now() - started);
  }
  return samples;
}

export type TReconciliationMeasurement = {
  newSettlements: number;
  runMs: number;
  runStatus: string;
  checks: Record<string, { status: string; durationMs: number; summary?: string }>;
  settlementsOnChain: Record<string, unknown> | undefined;
  healthz: {
    withoutRun: ReturnType<typeof percentiles>;
    duringRun: ReturnType<typeof percentiles>;
    p99Ratio: number;
  };
};

/**
 * The measurement described at the top: history marked reconciled, NEW_SETTLEMENTS minted and recorded, a
 * /healthz baseline, then one run (POST …/run) with /healthz probed until it ends; the new rows are removed
 * after.
 */
export async function measureReconciliationRun(
  db: TDb,
  options: { url: string; adminKey: string; rpcUrl: string; deployment: TDeployment },
): Promise<TReconciliationMeasurement> {
  // A bench stopped during its run leaves that run RUNNING in a kept database, which refuses another (409).
  await db
    .updateTable('reconciliation_runs')
    .set({ status: 'ERROR', error: 'abandoned by an interrupted bench', finished_at: new Date() })
    .where('status', '=', 'RUNNING')
    .execute();
  await markHistoryReconciled(db);
  const intentIds = await addNewSettlements(db, options.rpcUrl, options.deployment, NEW_SETTLEMENTS);
  try {
    const healthz = `${options.url}/healthz`;
    const baselineEnd = performance.now() + BASELINE_MS;
    const withoutRun = await probe(healthz, () => performance.now() > baselineEnd);

    const started = await fetch(`${options.url}/api/admin/reconciliation/run`, {
      method: 'POST',
      headers: { 'x-admin-key': options.adminKey, 'content-type': 'application/json' },
      body: '{}',
    });
    if (started.status !== 202)
      throw new Error(`run now answered ${started.status}: ${await started.text()}`);
    const { id } = (await started.json()) as { id: string };
    let finished = false;
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
    const [duringRun, row] = await Promise.all([probe(healthz, () => finished), watch]);
    const checks = (typeof row.checks === 'string' ? JSON.parse(row.checks) : row.checks) as {
      name: string;
      status: string;
      durationMs: number;
      summary: string;
      figures: Record<string, unknown>;
    }[];
    const base = percentiles(withoutRun);
    const during = percentiles(duringRun);
    return {
      newSettlements: intentIds.length,
      runMs: new Date(row.finished_at!).getTime() - new Date(row.started_at).getTime(),
      runStatus: row.status,
      checks: Object.fromEntries(
        checks.map((check) => [
          check.name,
          check.status === 'OK'
            ? { status: check.status, durationMs: check.durationMs }
            : { status: check.status, durationMs: check.durationMs, summary: check.summary },
        ]),
      ),
      settlementsOnChain: checks.find((check) => check.name === 'settlements_on_chain')?.figures,
      healthz: {
        withoutRun: base,
        duringRun: during,
        p99Ratio: Math.round((during.p99Ms / Math.max(base.p99Ms, 0.01)) * 100) / 100,
      },
    };
  } finally {
    await removeNewSettlements(db, intentIds);
  }
}
