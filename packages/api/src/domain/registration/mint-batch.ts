import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { TChainConnection } from '../../chain/chain-connection';
import type { Relayer } from '../../chain/relayer';
import type { TDb } from '../../db/client';
import { HEARTBEAT_STALE_MS } from '../../db/heartbeat-limits';
import type { MintBatchesTable } from '../../db/schema';
import type { Logger } from '../../logging/logger';
import type { TMetrics } from '../../metrics/metrics';

/**
 * Mint batches (relayer reference `mint-batch:<batchId>`, ledger reference `gas:mint-batch:<batchId>`):
 *
 * 1. claim    one database transaction takes up to MINT_BATCH_SIZE_MAX PENDING REGISTER intents of one
 *             program (FOR UPDATE SKIP LOCKED: workers never take the same intent), creates the batch with a
 *             lease, and marks the intents PROCESSING in that batch;
 * 2. send     the relayer records and broadcasts SGEID.mintBatch(wallets) — idempotent by reference, so a
 *             resumed batch finds its transaction instead of sending another;
 * 3. wait     until the transaction is final (renewing the lease);
 * 4. settle   one database transaction writes each wallet's settlement (tx hash, block, token id from the
 *             Transfer log), the user's token id, the intents CONFIRMED, and the gas to the ledger. Wallets
 *             the contract skipped (they already held an SGE-ID) are checked on-chain and recorded, not minted.
 *
 * A worker killed anywhere leaves the batch with an expiring lease; the next worker resumes it at the step
 * it reached. Nothing is minted twice: the contract skips wallets that already hold an SGE-ID, and a batch's
 * transaction is only ever the one recorded under its reference.
 */
export const MINT_BATCH_SIZE_MAX = 500;
/** How long one worker waits for a batch's transaction before handing it back (it stays SENT). */
export const MINT_WAIT_MS = 600_000;
/** Retry delays after a failed batch: 2 s, 4 s, 8 s, ... capped at 5 minutes. */
const RETRY_DELAY_MS_MAX = 300_000;

export type TMintBatch = Selectable<MintBatchesTable>;
export type TMintOutcome = {
  batchId: string;
  status: 'SETTLED' | 'FAILED' | 'RETRY_LATER';
  minted: number;
  size: number;
};

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_DELAY_MS_MAX, 1_000 * 2 ** Math.max(1, attempts));
}

/**
 * A mint batch (alias `b`) that is open but held by no live worker: its lease expired, or its worker stopped
 * sending heartbeats (killed) — then there is no need to wait out the lease.
 */
export const ABANDONED_MINT_BATCH = sql<boolean>`b.status IN ('CREATED', 'SENT')
  AND (b.locked_until IS NULL OR b.locked_until < now()
       OR NOT EXISTS (SELECT 1 FROM worker_heartbeats h
                       WHERE h.worker_id = b.locked_by
                         AND h.last_seen_at > now() - ${`${HEARTBEAT_STALE_MS} milliseconds`}::interval))`;

/**
 * The ports of the mint use cases (claim-mint-batch.ts, process-mint-batch.ts and the steps they call),
 * wired by the composition root (runtime.ts) from the process's database, chain, relayer and settings.
 */
export type TMintDeps = {
  db: TDb;
  publicClient: Pick<
    TChainConnection['publicClient'],
    'getTransactionReceipt' | 'readContract' | 'getCode' | 'verifyTypedData'
  >;
  chainId: number;
  relayer: Pick<Relayer, 'send' | 'waitForFinal'>;
  /** SGE_ID_ADDRESS (or Mock mode's deployment): the contract of programs without their own. */
  defaultSgeIdContract: string | null;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<TMetrics, 'intentsTotal' | 'settlementDuration' | 'registrationsTotal'>;
  /** MINT_BATCH_LEASE_SECONDS in ms: how long a claimed batch is a worker's before another may resume it. */
  mintBatchLeaseMs: number;
  /** GLOBAL_DAILY_GAS_BUDGET_WEI (null: none). */
  globalDailyGasBudgetWei: bigint | null;
};
