import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deployContracts, startAnvil, type TAnvil, type TDeployment, testUsdcAbi } from '@sge/contracts';
import { build } from 'esbuild';
import { createPublicClient, createTestClient, createWalletClient, http, publicActions } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey } from '../../src/config';
import { findRepoRoot } from '../../src/config/repo-root';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { migrateToLatest } from '../../src/db/migrate';
import { startFakeCommerce } from '../support/commerce';
import { startOwnPostgres, type TOwnPostgres } from '../support/own-postgres';
import { startOwnRedis, type TOwnRedis } from '../support/own-redis';
import { APPROVER_ACCOUNTS } from '../support/payout-approvers';
import { spawnPlatformProcess, type TPlatformProcess } from '../support/processes';
import { startTcpProxy, type TTcpProxy } from '../support/tcp-proxy';

/** The two admin keys of the chaos cluster: one creates payout batches, the other approves them. */
/** The two admins of the chaos cluster, each with a wallet that is a payout approver of its deployment. */
export const CHAOS_ADMINS = {
  creator: { name: 'alice', key: 'chaos-alice-admin-key-0123456789abcdef', account: APPROVER_ACCOUNTS[0] },
  approver: { name: 'bob', key: 'chaos-bob-admin-key-0123456789abcdef01', account: APPROVER_ACCOUNTS[1] },
} as const;

/** Coinbase Commerce of the chaos cluster: a local server speaking its charges API, and the webhook secret. */
export const CHAOS_COMMERCE = {
  apiKey: 'chaos-commerce-api-key',
  webhookSecret: 'chaos-commerce-webhook-secret',
} as const;

/** USDC minted into the payout contract at the start: far more than any run pays. */
const PAYOUT_FUNDING_MICRO_USDC = 10n ** 15n;

/**
 * Tuning of every process of the chaos cluster: limits out of the way of the load driver, and short
 * timeouts so that a killed worker's batch is resumed and a stranded transaction replaced within the run.
 */
const CLUSTER_TUNING: Record<string, string> = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
  REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '1000',
  SWEEP_INTERVAL_MS: '1000',
  RELAYER_POLL_INTERVAL_MS: '300',
  RELAYER_REPLACE_AFTER_SECONDS: '6',
  RELAYER_REBROADCAST_SECONDS: '3',
  MINT_BATCH_LEASE_SECONDS: '8',
  WORKER_CONCURRENCY: '4',
  DATABASE_POOL_MAX: '10',
  RPC_TIMEOUT_MS: '3000',
  LOG_LEVEL: 'info',
  ADMIN_API_KEYS: [CHAOS_ADMINS.creator, CHAOS_ADMINS.approver]
    .map((admin) => `${admin.name}:${admin.key}:${admin.account.address}`)
    .join(','),
};

/**
 * Bundles src/main.ts once (as scripts/build.mjs does: workspace sources compiled in, npm packages
 * external) into a directory under node_modules/.cache, so that every process of the run — restarts
 * included — runs the same code (the work tree may change during a run) and starts in a second or two
 * instead of compiling TypeScript on every start.
 */
async function bundlePlatform(): Promise<{ entry: string; remove(): void }> {
  const root = findRepoRoot();
  const outdir = join(root, 'node_modules', '.cache', `sge-chaos-${randomBytes(4).toString('hex')}`);
  await build({
    entryPoints: { main: join(root, 'packages/api/src/main.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-npm-packages',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@sge/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return { entry: join(outdir, 'main.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

export type TProcessSlot = {
  name: string;
  role: 'api' | 'worker';
  current: TPlatformProcess | null;
  /** Set while the slot's process is being (re)started. */
  starting: Promise<void> | null;
  starts: number;
};

/** The harness's own client of anvil (not through the proxy): reads, receipts and anvil's test methods. */
function harnessChain(rpcUrl: string) {
  // Receipts polled often (viem's default is 4 s), so the API's claim record and the watcher race.
  return createTestClient({ mode: 'anvil', transport: http(rpcUrl), pollingInterval: 250 }).extend(
    publicActions,
  );
}
export type TChaosChain = ReturnType<typeof harnessChain>;

export type TChaosCluster = {
  anvil: TAnvil;
  chain: TChaosChain;
  deployment: TDeployment;
  postgres: TOwnPostgres;
  redis: TOwnRedis;
  /** TCP proxy in front of anvil: the processes' primary RPC (RPC_URL); the backup is anvil itself. */
  rpcProxy: TTcpProxy;
  env: Record<string, string>;
  apis: TProcessSlot[];
  workers: TProcessSlot[];
  /** The local Commerce API the processes create charges on. */
  commerce: Awaited<ReturnType<typeof startFakeCommerce>>;
  /** The harness's own connection to the cluster's database (reconnects after a restart). */
  database: TDatabase;
  relayerAddress: `0x${string}`;
  /** SIGKILLs the slot's process and waits for it to exit. */
  kill(slot: TProcessSlot): Promise<void>;
  /** Starts the slot's process (again). */
  start(slot: TProcessSlot): Promise<void>;
  /** Processes that exited without being killed (each restarted): a crash is a finding. */
  unexpectedExits: { slot: string; code: number | string | null; atMs: number; stderr: string }[];
  stop(): Promise<void>;
};

/**
 * The chaos cluster: a PostgreSQL server and a Redis server of its own (so they can be stopped), anvil
 * with 1-second blocks and the contracts deployed (payout contract funded with test USDC), the primary
 * RPC behind a TCP proxy that can be cut, two API processes and three worker processes.
 */
export async function startChaosCluster(options: { apis: number; workers: number }): Promise<TChaosCluster> {
  // The code of the run: bundled first, and the database migrated by the same snapshot of the sources.
  const bundle = await bundlePlatform();
  const postgres = await startOwnPostgres({ database: 'chaos', maxConnections: 300 });
  const redis = await startOwnRedis();
  const anvil = await startAnvil({ blockTimeSeconds: 1 });
  const relayerKey = devPrivateKey(1);
  const deployer = privateKeyToAccount(devPrivateKey(0));
  const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
  const walletClient = createWalletClient({ transport: http(anvil.rpcUrl), account: deployer });
  const deployment = await deployContracts({
    publicClient,
    walletClient,
    relayer: privateKeyToAccount(relayerKey).address,
    treasury: privateKeyToAccount(devPrivateKey(2)).address,
    approvers: [CHAOS_ADMINS.creator.account.address, CHAOS_ADMINS.approver.account.address],
  });
  const funding = await walletClient.writeContract({
    chain: null,
    address: deployment.contracts.usdc,
    abi: testUsdcAbi,
    functionName: 'mint',
    args: [deployment.contracts.payout, PAYOUT_FUNDING_MICRO_USDC],
  });
  await publicClient.waitForTransactionReceipt({ hash: funding });
  const migrating = await openDatabase({ kind: 'postgres', url: postgres.url });
  await migrateToLatest(migrating.db);
  await migrating.close();
  const rpcProxy = await startTcpProxy(Number(new URL(anvil.rpcUrl).port));
  const commerce = await startFakeCommerce(CHAOS_COMMERCE.apiKey);

  const env: Record<string, string> = {
    MOCK_MODE: 'false',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'chaos',
    RPC_URL: rpcProxy.url('http'),
    RPC_BACKUP_URL: anvil.rpcUrl,
    RELAYER_PRIVATE_KEY: relayerKey,
    TREASURY_ADDRESS: deployment.treasury,
    SGE_ID_ADDRESS: deployment.contracts.sgeId,
    SGE_CLAIM_ADDRESS: deployment.contracts.sgeClaim,
    PAYOUT_ADDRESS: deployment.contracts.payout,
    AFFILIATE_REGISTRY_ADDRESS: deployment.contracts.affiliateRegistry,
    USDC_ADDRESS: deployment.contracts.usdc,
    USDT_ADDRESS: deployment.contracts.usdt,
    SGE_TOKEN_ADDRESS: deployment.contracts.sgeToken,
    COINBASE_COMMERCE_API_KEY: CHAOS_COMMERCE.apiKey,
    COINBASE_COMMERCE_API_URL: commerce.url,
    COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET: CHAOS_COMMERCE.webhookSecret,
    ...CLUSTER_TUNING,
  };

  const slot = (role: 'api' | 'worker', index: number): TProcessSlot => ({
    name: `${role}-${index + 1}`,
    role,
    current: null,
    starting: null,
    starts: 0,
  });
  const apis = Array.from({ length: options.apis }, (_, i) => slot('api', i));
  const workers = Array.from({ length: options.workers }, (_, i) => slot('worker', i));

  const unexpectedExits: TChaosCluster['unexpectedExits'] = [];
  let stopping = false;
  const start = async (target: TProcessSlot): Promise<void> => {
    if (target.starting) return await target.starting;
    target.starting = (async () => {
      // A process started while PostgreSQL or Redis is down may fail to start: try again until it does.
      for (let attempt = 1; ; attempt++) {
        try {
          const started = await spawnPlatformProcess({
            env,
            role: target.role,
            startTimeoutMs: 90_000,
            bundledEntry: bundle.entry,
          });
          let stderr = '';
          started.process.stderr?.on('data', (chunk: Buffer) => {
            stderr = (stderr + chunk.toString()).slice(-2000);
          });
          target.current = started;
          target.starts += 1;
          void started.exited.then((code) => {
            if (target.current !== started || stopping) return;
            unexpectedExits.push({ slot: target.name, code, atMs: Date.now(), stderr });
            target.current = null;
            void start(target).catch(() => undefined);
          });
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();
    try {
      await target.starting;
    } finally {
      target.starting = null;
    }
  };
  const kill = async (target: TProcessSlot) => {
    const running = target.current;
    target.current = null;
    await running?.kill('SIGKILL');
  };

  await Promise.all([...apis, ...workers].map((target) => start(target)));
  const database = await openDatabase({ kind: 'postgres', url: postgres.url });
  return {
    anvil,
    chain: harnessChain(anvil.rpcUrl),
    deployment,
    postgres,
    redis,
    rpcProxy,
    commerce,
    env,
    apis,
    workers,
    database,
    relayerAddress: privateKeyToAccount(relayerKey).address,
    kill,
    start,
    unexpectedExits,
    async stop() {
      stopping = true;
      await Promise.all(
        [...apis, ...workers].map(async (target) => {
          while (target.starting) await target.starting.catch(() => undefined);
          await target.current?.stop();
          target.current = null;
        }),
      );
      await database.close();
      await rpcProxy.close();
      await commerce.close();
      await anvil.stop();
      await redis.destroy();
      await postgres.destroy();
      bundle.remove();
    },
  };
}
