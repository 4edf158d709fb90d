import { join } from 'node:path';
import { startAnvil, type TAnvil } from '@sge/contracts';
import { Redis } from 'ioredis';
import { createTestClient, http, parseEther } from 'viem';
import { connectChain, type TChainConnection } from './chain/chain-connection';
import { initChecksumAddress } from './chain/checksum-address';
import { ensureMockDeployment, resolveContractAddresses } from './chain/contract-deployment';
import { knownAddressesOf, relayerTargets } from './chain/known-addresses';
import { Relayer } from './chain/relayer';
import { toRpcError } from './chain/rpc-errors';
import type { TConfig, TContractAddresses } from './config';
import { explorerUrlOf } from './config/chain-network';
import { acquireDataDirLock } from './config/data-dir-lock';
import { openDatabase, type TDatabase } from './db/client';
import { appliedMigrations, migrateToLatest } from './db/migrate';
import { MIGRATIONS } from './db/migrations';
import { readDatabaseOf, type TReadDatabase } from './db/read-db';
import { seedDemoAffiliates } from './domain/affiliates/seed-demo-affiliates';
import { databaseGaugeSource } from './domain/monitoring/database-gauge-source';
import type { TReconciliationContext } from './domain/reconciliation/check-context';
import type { TMintDeps } from './domain/registration/mint-batch';
import type { Logger } from './logging/logger';
import { scrubUrls } from './logging/scrub-urls';
import { createMetrics, type TMetrics } from './metrics/metrics';
import { createErrorReporter, type TErrorReporter } from './monitoring/error-reporter';
import { BullmqQueue, type JobQueue, MemoryQueue, QUEUE_NAMES, waitUntilReady } from './queue';

/** Mock mode's local chain id (anvil's default). */
export const MOCK_CHAIN_ID = 31337;
/** Mock mode keeps the relayer at least this rich (anvil accounts start with 10,000 ETH). */
const MOCK_RELAYER_BALANCE_MIN_WEI = parseEther('100');
/** Seconds between dumps of Mock mode's chain state (it is also dumped on a clean exit). */
const MOCK_CHAIN_STATE_INTERVAL_SECONDS = 5;

/**
 * Everything a process needs, built once from the configuration: database, queue, chain connection,
 * metrics, and in Mock mode the embedded chain. The same code path serves every mode; only the
 * constructors differ.
 */
export type TRuntime = {
  config: TConfig;
  logger: Logger;
  database: TDatabase;
  /**
   * Reads a read replica may serve (DATABASE_READ_URL; the primary when unset): admin lists, stats, exports,
   * reconciliation reads. Money-moving paths use `database`, never this (db/read-db.ts).
   */
  readDatabase: TReadDatabase;
  queue: JobQueue;
  /** Redis client shared by rate limits (null in Mock mode). */
  redis: Redis | null;
  chain: TChainConnection;
  relayer: Relayer;
  contracts: TContractAddresses;
  /** The mint use cases' ports (domain/registration/mint-batch.ts), wired here from the process's parts. */
  mint: TMintDeps;
  /** The reconciliation use cases' context (domain/reconciliation/check-context.ts): reads, chain, settings. */
  reconciliation: TReconciliationContext;
  explorerUrl: string | null;
  metrics: TMetrics;
  /** Sentry when SENTRY_DSN is set; reports 5xx answers and failed jobs (monitoring/error-reporter.ts). */
  errorReporter: TErrorReporter;
  mockChain: TAnvil | null;
  startedAt: Date;
  close(): Promise<void>;
};

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export async function createRuntime(config: TConfig, logger: Logger): Promise<TRuntime> {
  await initChecksumAddress();
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing');
      }
    }
  };

  try {
    if (config.mockMode) {
      let release: () => void;
      try {
        release = acquireDataDirLock(config.dataDir, `sge ${config.role}`);
      } catch (cause) {
        throw new StartupError((cause as Error).message, { cause });
      }
      closers.push(async () => release());
    }
    // Database: embedded PGlite in Mock mode (migrated automatically), PostgreSQL otherwise (migrations are
    // an explicit deploy step: `npm run db:migrate`; a process refuses to run against an older schema).
    const database = config.mockMode
      ? await openDatabase({ kind: 'pglite', dataDir: join(config.dataDir, 'pglite') })
      : await openDatabase({ kind: 'postgres', url: config.database.url!, poolMax: config.database.poolMax });
    closers.push(() => database.close());
    if (config.mockMode) {
      await migrateToLatest(database.db);
      // Demo affiliates ALPHA > BETA > GAMMA, so referral codes work at once.
      const seeded = await seedDemoAffiliates(database.db, undefined, {
        chainId: MOCK_CHAIN_ID,
        domain: new URL(config.http.appOrigins[0] ?? 'http://localhost:5173').host,
      });
      for (const skipped of seeded.skipped) logger.warn(skipped, 'demo affiliate not seeded');
    } else {
      let applied: string[];
      try {
        applied = await appliedMigrations(database.db);
      } catch (cause) {
        throw new StartupError(
          `cannot reach PostgreSQL at DATABASE_URL: ${scrubUrls((cause as Error).message)}`,
          {
            cause,
          },
        );
      }
      const pending = Object.keys(MIGRATIONS).filter((name) => !applied.includes(name));
      if (pending.length > 0) {
        throw new StartupError(
          `database schema is behind (pending: ${pending.join(', ')}): run npm run db:migrate`,
        );
      }
    }

    // Read replica (Real mode): reached at startup like the primary, so a wrong DATABASE_READ_URL fails here.
    let replica: TDatabase | null = null;
    if (config.database.readUrl !== null) {
      replica = await openDatabase({
        kind: 'postgres',
        url: config.database.readUrl,
        poolMax: config.database.poolMax,
        applicationName: 'sge-read',
        readOnly: true,
      });
      const opened = replica;
      closers.push(() => opened.close());
      try {
        await appliedMigrations(replica.db);
      } catch (cause) {
        throw new StartupError(
          `cannot read the replica at DATABASE_READ_URL: ${scrubUrls((cause as Error).message)}`,
          { cause },
        );
      }
    }
    const readDatabase = readDatabaseOf(database.db, replica);

    // Queue.
    const onJobError = (error: unknown, queue: string, jobId: string) =>
      logger.warn({ err: error, queue, jobId }, 'job failed');
    let queue: JobQueue;
    let redis: Redis | null = null;
    if (config.mockMode) {
      queue = new MemoryQueue({ onError: onJobError });
    } else {
      redis = new Redis(config.redis.url!, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        enableOfflineQueue: false,
        // Commands issued in one event-loop turn go to Redis in one write. (Rate limits, this client's hot
        // user, already send one batched call per flush: http/plugins/shared-rate-limit-store.ts.)
        enableAutoPipelining: true,
      });
      redis.on('error', () => {});
      const redisClient = redis;
      closers.push(async () => redisClient.disconnect());
      queue = new BullmqQueue({ url: config.redis.url!, prefix: config.redis.prefix, onError: onJobError });
      try {
        await Promise.all([waitUntilReady(redis, 5_000), queue.ping()]);
      } catch (cause) {
        throw new StartupError(`cannot reach Redis at REDIS_URL: ${scrubUrls((cause as Error).message)}`, {
          cause,
        });
      }
    }
    closers.push(() => queue.close(config.workers.shutdownTimeoutMs));

    // Chain: Mock mode starts anvil with its state kept in DATA_DIR (so minted tokens survive restarts).
    let mockChain: TAnvil | null = null;
    let rpcUrl = config.chain.rpcUrl;
    if (config.mockMode) {
      mockChain = await startAnvil({
        chainId: MOCK_CHAIN_ID,
        statePath: join(config.dataDir, 'anvil-state.json'),
        stateIntervalSeconds: MOCK_CHAIN_STATE_INTERVAL_SECONDS,
      });
      const anvil = mockChain;
      closers.push(() => anvil.stop());
      rpcUrl = mockChain.rpcUrl;
    }
    let chain: TChainConnection;
    try {
      chain = await connectChain({
        rpcUrl: rpcUrl!,
        rpcBackupUrl: config.mockMode ? null : config.chain.rpcBackupUrl,
        timeoutMs: config.chain.rpcTimeoutMs,
        relayerPrivateKey: config.chain.relayerPrivateKey,
        expectedChainId: config.mockMode ? MOCK_CHAIN_ID : config.chain.expectedChainId,
        network: config.mockMode ? null : config.chain.network,
      });
    } catch (cause) {
      if (cause instanceof StartupError) throw cause;
      // toRpcError: the RPC error boundary, which scrubs the provider's key from the URL in the message.
      throw new StartupError(`cannot use the chain at RPC_URL: ${toRpcError(cause).message}`, {
        cause,
      });
    }
    if (mockChain) await fundMockRelayer(chain, mockChain.rpcUrl);

    let contracts: TContractAddresses;
    if (mockChain) {
      const deployment = await ensureMockDeployment({
        chain,
        rpcUrl: mockChain.rpcUrl,
        dataDir: config.dataDir,
        deployerPrivateKey: config.chain.deployerPrivateKey!,
        treasury: config.chain.treasuryAddress!,
        approvers: config.admin.keys.flatMap((key) => (key.wallet ? [key.wallet] : [])),
        logger,
      });
      contracts = { ...deployment.contracts, ...withoutNulls(config.contracts) };
    } else {
      const resolved = resolveContractAddresses(config.contracts, chain.chainId);
      contracts = resolved.contracts;
      logger.info({ contracts, source: resolved.source }, 'contract addresses');
    }
    const knownContracts = relayerTargets(knownAddressesOf({ config, chain, contracts }));
    const metrics = createMetrics({
      relayerBalanceWei: async () => (await chain.snapshot()).relayerBalanceWei,
      // Asking whether a queue is paused makes this process know it, so depth() covers every queue, not only
      // those this process has enqueued to: every replica then reports the same depths.
      queueDepths: () =>
        Promise.all(QUEUE_NAMES.map((name) => queue.isPaused(name)))
          .then(() => queue.depth())
          .catch(() => ({})),
      queueNames: QUEUE_NAMES,
      database: databaseGaugeSource(database.db, {
        intentTimeoutMinutes: config.workers.intentTimeoutMinutes,
        globalDailyGasBudgetWei: config.globalDailyGasBudgetWei,
      }),
      replicaLagSeconds: readDatabase.replica ? () => readDatabase.lagSeconds() : undefined,
    });

    const errorReporter = createErrorReporter(config);
    if (errorReporter.enabled) closers.push(async () => void (await errorReporter.flush(2_000)));

    const relayer = new Relayer({
      db: database.db,
      chain,
      settings: config.relayer,
      logger,
      isAllowedTarget: (to) => knownContracts.has(to.toLowerCase()),
    });
    const explorerUrl = explorerUrlOf(chain.network, config.chain.explorerUrl);

    return {
      config,
      logger,
      database,
      readDatabase,
      queue,
      redis,
      chain,
      relayer,
      contracts,
      mint: {
        db: database.db,
        publicClient: chain.publicClient,
        chainId: chain.chainId,
        relayer,
        defaultSgeIdContract: contracts.sgeId,
        logger,
        metrics,
        mintBatchLeaseMs: config.workers.mintBatchLeaseMs,
        globalDailyGasBudgetWei: config.globalDailyGasBudgetWei,
      },
      reconciliation: {
        db: database.db,
        readDb: readDatabase.db,
        publicClient: chain.publicClient,
        contracts: {
          sgeId: contracts.sgeId,
          sgeClaim: contracts.sgeClaim,
          payout: contracts.payout,
          usdc: contracts.usdc,
          usdt: contracts.usdt,
        },
        treasuryAddress: config.chain.treasuryAddress,
        queue,
        queueNames: QUEUE_NAMES,
        intentTimeoutMinutes: config.workers.intentTimeoutMinutes,
        manualPaymentApprovalThresholdMicroUsd: config.admin.manualPaymentApprovalThresholdMicroUsd,
        recheckBlocks: config.workers.reconciliationRecheckBlocks,
        recheckMinutes: config.workers.reconciliationRecheckMinutes,
        now: () => new Date(),
      },
      explorerUrl,
      metrics,
      errorReporter,
      mockChain,
      startedAt: new Date(),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function withoutNulls(addresses: TContractAddresses): Partial<TContractAddresses> {
  return Object.fromEntries(Object.entries(addresses).filter(([, address]) => address !== null));
}

/** Mock mode: the relayer always has gas (anvil's setBalance, a development RPC method). */
async function fundMockRelayer(chain: TChainConnection, rpcUrl: string) {
  const balance = await chain.publicClient.getBalance({ address: chain.relayer.address });
  if (balance >= MOCK_RELAYER_BALANCE_MIN_WEI) return;
  const testClient = createTestClient({ mode: 'anvil', transport: http(rpcUrl) });
  await testClient.setBalance({ address: chain.relayer.address, value: parseEther('10000') });
}
