import { assert } from '@sge/shared';
import { sql } from 'kysely';
import { type Address, type Hex, keccak256 } from 'viem';
import type { TDb } from '../db/client';
import type { TRelayerTransaction, TRelayerTxStatus } from '../db/schema';
import type { Logger } from '../logging/logger';
import type { TChainConnection } from './chain-connection';
import { l1FeeOfReceipt } from './l1-fees';
import { RpcError, toRpcError } from './rpc-errors';

/**
 * The relayer: sends the platform's transactions from its hot wallet so users pay no gas.
 *
 * Guarantees, across any number of processes and machines:
 * - Nonces are never reused or skipped: PostgreSQL holds the next nonce per (chain, address); assigning
 *   one locks that row, and the signed transaction is recorded in the same database transaction.
 * - A transaction is recorded (nonce, raw signed bytes, hash) BEFORE it is broadcast. A crash in between is
 *   repaired by broadcasting the recorded bytes again; the same bytes can only ever be mined once.
 * - Sending is idempotent by `reference` (unique per chain): asking twice returns the first transaction.
 * - A transaction not mined in time is replaced (same nonce, higher fees, up to the cap); every signed
 *   attempt is kept, and whichever one is mined settles the transaction.
 * - A transaction the node refuses outright is cancelled by a 0-value self-transfer on its nonce, so a
 *   refused payload never blocks the nonces after it.
 *
 * Statuses: SIGNED (recorded, not yet accepted by a node) → BROADCAST → MINED (receipt seen) →
 * CONFIRMED (success, deep enough) | REVERTED (mined, failed) | CANCELLED | NONCE_CONFLICT (the nonce was
 * used by a transaction that is not ours: the key is used elsewhere; the caller must send again).
 */
export type TRelayerSettings = {
  /** EIP-1559 tip; 0 = pay the base fee only (the seed's cost advice). */
  priorityFeeWei: bigint;
  /** Never offer more than this per gas. */
  maxFeeWei: bigint;
  /** Replace a transaction whose newest attempt is this old and still not mined. */
  replaceAfterMs: number;
  /** Each replacement raises both fee fields by at least this percentage (nodes require ≥ 10). */
  feeBumpPercent: number;
  /** Refuse to send new transactions below this balance. */
  minBalanceWei: bigint;
  /** Blocks on top of the one including a transaction before it counts as final (1 = included). */
  confirmations: number;
  /** How often a waiting caller checks progress (and drives one monitor pass per process). */
  pollIntervalMs: number;
  /** Send a pending transaction's bytes again this often (a node or a failed-over endpoint may have dropped it). */
  rebroadcastAfterMs: number;
  /** Gas limit = estimate × (100 + this) / 100, never above the purpose's maximum. */
  gasLimitMarginPercent: number;
};

/**
 * What the relayer sends transactions for, and the most gas one transaction of each may use: a base plus
 * so much per item (an SGE-ID minted, an affiliate paid). The relayer spends the platform's ETH only on these
 * jobs, each within its bound, instead of whatever an estimate says (a contract that burns gas estimates
 * high). Measured (bench:gas): a mint ~25,800 gas per SGE-ID; a payout ~29,400 per new recipient with real
 * USDC and ~45,000 at most through its proxy; two approval signatures ~15,000. The bounds leave room for the
 * 20 % estimate margin. Gas on Arbitrum includes its L1 component and may need higher bounds.
 */
export const RELAYER_GAS_LIMITS = {
  mint_batch: { baseGas: 80_000n, perItemGas: 40_000n },
  payout_batch: { baseGas: 150_000n, perItemGas: 60_000n },
  payout_void: { baseGas: 80_000n, perItemGas: 0n },
  // Gasless claims (issue 19): measured 180,357 gas for one and 103,874 per claim in a batch of 10
  // (bench:gas); an estimate for a treasury or relayer holding no USDC yet (zero → non-zero slots) reaches
  // ~240,000 for one, and the 20 % margin comes on top.
  claim_gasless_batch: { baseGas: 200_000n, perItemGas: 150_000n },
} as const satisfies Record<string, { baseGas: bigint; perItemGas: bigint }>;
export type TRelayerPurpose = keyof typeof RELAYER_GAS_LIMITS;

/** The most gas a transaction of `purpose` for `items` items may use. */
export function relayerGasLimitMax(purpose: TRelayerPurpose, items: number): bigint {
  const limit = RELAYER_GAS_LIMITS[purpose];
  return limit.baseGas + limit.perItemGas * BigInt(items);
}

export type TSendRequest = {
  /** What the transaction is for; with `items` it bounds the gas (RELAYER_GAS_LIMITS). */
  purpose: TRelayerPurpose;
  /** How many items (SGE-IDs, recipients) the transaction handles; 1 when omitted. */
  items?: number;
  /** Idempotency: one transaction per reference per chain, e.g. `mint-batch:<id>`. */
  reference: string;
  to: Address;
  data?: Hex;
  valueWei?: bigint;
  /** Skips estimation when given. */
  gasLimit?: bigint;
};

export type TRelayerErrorKind =
  | 'BALANCE_TOO_LOW'
  | 'FEE_ABOVE_CAP'
  | 'TIMEOUT'
  | 'ESTIMATE_FAILED'
  /** The transaction would need more gas than its purpose may use. */
  | 'GAS_ABOVE_CAP'
  /** The destination is not one of the platform's known contracts. */
  | 'TARGET_NOT_ALLOWED';

export class RelayerError extends Error {
  readonly kind: TRelayerErrorKind;
  constructor(kind: TRelayerErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'RelayerError';
    this.kind = kind;
  }
}

export const FINAL_STATUSES = ['CONFIRMED', 'REVERTED', 'CANCELLED', 'NONCE_CONFLICT'] as const;
const OPEN_STATUSES = ['SIGNED', 'BROADCAST', 'MINED'] as const;
/** Most open transactions one monitor pass looks at (lowest nonces first). */
export const MONITOR_BATCH_MAX = 500;
/** A used nonce with no receipt for any of our attempts is a conflict only after this long (lagging nodes). */
export const NONCE_CONFLICT_GRACE_MS = 60_000;
/** Gas of a plain transfer: a cancellation. */
const CANCEL_GAS = 21_000n;
/** Base fee is read at most this often. */
const FEE_CACHE_MS = 1_000;

type TFees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

export type TMonitorResult = {
  open: number;
  mined: number;
  confirmed: number;
  rebroadcast: number;
  replaced: number;
};

export class Relayer {
  readonly address: Address;
  readonly chainId: number;
  readonly #db: TDb;
  readonly #chain: TChainConnection;
  readonly #settings: TRelayerSettings;
  readonly #logger: Logger;
  readonly #isAllowedTarget: (to: Address) => boolean;
  #accountReady = false;
  #fees: { at: number; baseFeeWei: bigint } | null = null;
  #monitoring: Promise<TMonitorResult> | null = null;
  #lastMonitorAt = 0;
  readonly #conflictSeenAt = new Map<string, number>();

  /**
   * `isAllowedTarget` says which addresses the relayer may send to: the platform's known contracts (see
   * runtime.ts). Anything else is refused before a nonce is taken, whoever asks.
   */
  constructor(deps: {
    db: TDb;
    chain: TChainConnection;
    settings: TRelayerSettings;
    logger: Logger;
    isAllowedTarget: (to: Address) => boolean;
  }) {
    this.#db = deps.db;
    this.#isAllowedTarget = deps.isAllowedTarget;
    this.#chain = deps.chain;
    this.#settings = deps.settings;
    this.#logger = deps.logger;
    this.address = deps.chain.relayer.address;
    this.chainId = deps.chain.chainId;
  }

  get settings(): TRelayerSettings {
    return this.#settings;
  }

  /**
   * Records and broadcasts a transaction; returns its row. Idempotent by reference. A failed broadcast is
   * not an error for the caller: the transaction is recorded and the monitor keeps sending it.
   *
   * @example
   * const tx = await relayer.send({ purpose: 'mint_batch', reference: `mint-batch:${batchId}`, to, data });
   * const final = await relayer.waitForFinal(tx.id, 120_000);
   */
  async send(request: TSendRequest): Promise<TRelayerTransaction> {
    const existing = await this.findByReference(request.reference);
    if (existing) return existing;
    if (!this.#isAllowedTarget(request.to)) {
      throw new RelayerError(
        'TARGET_NOT_ALLOWED',
        `refusing to send ${request.purpose} to ${request.to}: not one of the platform's known contracts`,
      );
    }
    await this.assertBalance();
    const gasLimit = this.#boundedGas(request, request.gasLimit ?? (await this.estimateGas(request)));
    const fees = await this.#newFees();
    const recorded = await this.record(request, gasLimit, fees);
    if (recorded.status === 'SIGNED') await this.broadcast(recorded.id);
    return await this.get(recorded.id);
  }

  async findByReference(reference: string): Promise<TRelayerTransaction | undefined> {
    return await this.#db
      .selectFrom('relayer_transactions')
      .selectAll()
      .where('chain_id', '=', this.chainId)
      .where('reference', '=', reference)
      .executeTakeFirst();
  }

  async get(id: string): Promise<TRelayerTransaction> {
    return await this.#db
      .selectFrom('relayer_transactions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async assertBalance(): Promise<bigint> {
    const balance =
      (await this.#chain.snapshot()).relayerBalanceWei ??
      (await this.#chain.publicClient.getBalance({ address: this.address }));
    if (balance < this.#settings.minBalanceWei) {
      throw new RelayerError(
        'BALANCE_TOO_LOW',
        `relayer ${this.address} holds ${balance} wei, below the minimum ${this.#settings.minBalanceWei}: fund it`,
      );
    }
    return balance;
  }

  async estimateGas(request: TSendRequest): Promise<bigint> {
    try {
      const estimate = await this.#chain.publicClient.estimateGas({
        account: this.address,
        to: request.to,
        data: request.data,
        value: request.valueWei,
      });
      return (estimate * BigInt(100 + this.#settings.gasLimitMarginPercent)) / 100n;
    } catch (error) {
      throw new RelayerError('ESTIMATE_FAILED', `gas estimation failed: ${toRpcError(error).message}`, {
        cause: error,
      });
    }
  }

  #boundedGas(request: TSendRequest, gasLimit: bigint): bigint {
    const max = relayerGasLimitMax(request.purpose, request.items ?? 1);
    if (gasLimit > max) {
      throw new RelayerError(
        'GAS_ABOVE_CAP',
        `${request.purpose} ${request.reference} needs ${gasLimit} gas, above its limit of ${max}: not sending`,
      );
    }
    return gasLimit;
  }

  /** The base fee the next block will charge (fee history's last entry), read at most once per FEE_CACHE_MS. */
  async #baseFee(options: { fresh?: boolean } = {}): Promise<bigint> {
    if (!options.fresh && this.#fees && Date.now() - this.#fees.at < FEE_CACHE_MS)
      return this.#fees.baseFeeWei;
    const history = await this.#chain.publicClient.getFeeHistory({ blockCount: 1, rewardPercentiles: [] });
    // biome-ignore lint/complexity/useMathMinMax: bigints; Math.max does not take them.
    const baseFeeWei = history.baseFeePerGas.reduce((max, fee) => (fee > max ? fee : max), 0n);
    this.#fees = { at: Date.now(), baseFeeWei };
    return baseFeeWei;
  }

  /** Fees for a new transaction: up to twice the base fee (room for six full blocks of rises) plus the tip. */
  async #newFees(): Promise<TFees> {
    const baseFee = await this.#baseFee();
    const priority = this.#settings.priorityFeeWei;
    if (baseFee + priority > this.#settings.maxFeeWei) {
      throw new RelayerError(
        'FEE_ABOVE_CAP',
        `base fee ${baseFee} + tip ${priority} exceeds the cap ${this.#settings.maxFeeWei} wei/gas; not sending now`,
      );
    }
    const wanted = baseFee * 2n + priority;
    return {
      maxFeePerGas: wanted < this.#settings.maxFeeWei ? wanted : this.#settings.maxFeeWei,
      maxPriorityFeePerGas: priority,
    };
  }

  /** The relayer's account row exists, starting from the chain's pending nonce the first time. */
  async #ensureAccount(): Promise<void> {
    if (this.#accountReady) return;
    const nonce = await this.#chain.publicClient.getTransactionCount({
      address: this.address,
      blockTag: 'pending',
    });
    await this.#db
      .insertInto('relayer_accounts')
      .values({ chain_id: this.chainId, address: this.address, next_nonce: nonce, updated_at: new Date() })
      .onConflict((oc) => oc.columns(['chain_id', 'address']).doNothing())
      .execute();
    this.#accountReady = true;
  }

  /**
   * Step one of sending: assigns the next nonce, signs, and records the transaction and its first attempt
   * in one database transaction. Returns the existing row when the reference was already sent.
   */
  async record(request: TSendRequest, gasLimit: bigint, fees: TFees): Promise<TRelayerTransaction> {
    await this.#ensureAccount();
    const recorded = await this.#db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('relayer_accounts')
        .select('next_nonce')
        .where('chain_id', '=', this.chainId)
        .where('address', '=', this.address)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const nonce = account.next_nonce;
      const raw = await this.#chain.relayer.signTransaction({
        type: 'eip1559',
        chainId: this.chainId,
        nonce,
        to: request.to,
        data: request.data ?? '0x',
        value: request.valueWei ?? 0n,
        gas: gasLimit,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const inserted = await trx
        .insertInto('relayer_transactions')
        .values({
          chain_id: this.chainId,
          from_address: this.address,
          nonce,
          purpose: request.purpose,
          reference: request.reference,
          to_address: request.to,
          data: request.data ?? '0x',
          value_wei: request.valueWei ?? 0n,
          gas_limit: gasLimit,
          updated_at: new Date(),
        })
        .onConflict((oc) => oc.columns(['chain_id', 'reference']).doNothing())
        .returningAll()
        .executeTakeFirst();
      // Same reference already sent: leave the nonce unused.
      if (!inserted) return null;
      await trx
        .insertInto('relayer_attempts')
        .values({
          transaction_id: inserted.id,
          tx_hash: keccak256(raw),
          raw_tx: raw,
          max_fee_per_gas_wei: fees.maxFeePerGas,
          max_priority_fee_per_gas_wei: fees.maxPriorityFeePerGas,
        })
        .execute();
      await trx
        .updateTable('relayer_accounts')
        .set({ next_nonce: nonce + 1, updated_at: new Date() })
        .where('chain_id', '=', this.chainId)
        .where('address', '=', this.address)
        .execute();
      return inserted;
    });
    if (recorded) return recorded;
    const existing = await this.findByReference(request.reference);
    assert(existing, `reference ${request.reference} conflicted but no transaction has it`);
    return existing;
  }

  async #latestAttempt(transactionId: string, executor: TDb = this.#db) {
    return await executor
      .selectFrom('relayer_attempts')
      .selectAll()
      .where('transaction_id', '=', transactionId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
  }

  /** Step two: sends the newest attempt's recorded bytes. Safe to repeat any number of times. */
  async broadcast(transactionId: string): Promise<void> {
    const attempt = await this.#latestAttempt(transactionId);
    let accepted = false;
    let lastError: string | null = null;
    try {
      await this.#chain.publicClient.sendRawTransaction({ serializedTransaction: attempt.raw_tx as Hex });
      accepted = true;
    } catch (error) {
      const rpcError = toRpcError(error);
      lastError = `${rpcError.kind}: ${rpcError.message}`;
      if (rpcError.kind === 'ALREADY_KNOWN') {
        accepted = true;
      } else if (rpcError.kind === 'NONCE_TOO_LOW') {
        // Mined already (by this or an earlier attempt), or the nonce was taken: the monitor decides.
        accepted = true;
      } else if (rpcError.kind === 'REJECTED' || rpcError.kind === 'EXECUTION_REVERTED') {
        this.#logger.error(
          { transactionId, err: rpcError },
          'node refused a relayer transaction; cancelling its nonce',
        );
        await this.#replace(transactionId, { cancel: true });
        return;
      } else {
        if (rpcError.kind === 'FEE_CAP_TOO_LOW') this.#fees = null;
        this.#logger.warn(
          { transactionId, kind: rpcError.kind, err: rpcError.message },
          'broadcast failed; will retry',
        );
      }
    }
    await this.#db
      .updateTable('relayer_transactions')
      .set((eb) => ({
        status: accepted
          ? sql<TRelayerTxStatus>`CASE WHEN status = 'SIGNED' THEN 'BROADCAST' ELSE status END`
          : eb.ref('status'),
        broadcast_count: eb('broadcast_count', '+', 1),
        last_broadcast_at: new Date(),
        last_error: lastError,
        updated_at: new Date(),
      }))
      .where('id', '=', transactionId)
      .execute();
  }

  /**
   * Signs a new attempt at the same nonce with fees raised by at least feeBumpPercent (and at least what the
   * market needs now), records it, then broadcasts it. `cancel` replaces the payload with a 0-value transfer
   * to the relayer itself. Returns false when the fees cannot be raised (at the cap).
   */
  async #replace(transactionId: string, options: { cancel?: boolean } = {}): Promise<boolean> {
    const replaced = await this.#db.transaction().execute(async (trx) => {
      // One replacer at a time per transaction, across processes.
      const tx = await trx
        .selectFrom('relayer_transactions')
        .selectAll()
        .where('id', '=', transactionId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!tx || !(OPEN_STATUSES as readonly string[]).includes(tx.status) || tx.status === 'MINED')
        return false;
      const previous = await this.#latestAttempt(transactionId, trx);
      const bump = (value: bigint) => (value * BigInt(100 + this.#settings.feeBumpPercent) + 99n) / 100n;
      // A replacement is rare and exists because fees moved: read them fresh.
      const baseFee = await this.#baseFee({ fresh: true });
      const priority = maxOf(bump(previous.max_priority_fee_per_gas_wei), this.#settings.priorityFeeWei);
      let maxFee = maxOf(bump(previous.max_fee_per_gas_wei), baseFee * 2n + priority);
      if (maxFee > this.#settings.maxFeeWei) maxFee = this.#settings.maxFeeWei;
      const minimumAccepted = (previous.max_fee_per_gas_wei * 110n + 99n) / 100n;
      if (maxFee < minimumAccepted || priority > maxFee) return false;
      const cancel = options.cancel || previous.is_cancellation;
      const raw = await this.#chain.relayer.signTransaction({
        type: 'eip1559',
        chainId: this.chainId,
        nonce: tx.nonce,
        to: cancel ? this.address : (tx.to_address as Address),
        data: cancel ? '0x' : (tx.data as Hex),
        value: cancel ? 0n : tx.value_wei,
        gas: cancel ? CANCEL_GAS : tx.gas_limit,
        maxFeePerGas: maxFee,
        maxPriorityFeePerGas: priority,
      });
      await trx
        .insertInto('relayer_attempts')
        .values({
          transaction_id: transactionId,
          tx_hash: keccak256(raw),
          raw_tx: raw,
          max_fee_per_gas_wei: maxFee,
          max_priority_fee_per_gas_wei: priority,
          is_cancellation: cancel,
        })
        .execute();
      return true;
    });
    if (replaced) {
      this.#logger.info(
        { transactionId, cancel: Boolean(options.cancel) },
        'relayer transaction replaced with higher fees',
      );
      await this.broadcast(transactionId);
    }
    return replaced;
  }

  /**
   * One pass over this relayer's open transactions: records receipts (one nonce read tells which are
   * mined), confirms those deep enough, re-sends what a node may have dropped, replaces what is stuck.
   */
  async monitor(): Promise<TMonitorResult> {
    const result: TMonitorResult = { open: 0, mined: 0, confirmed: 0, rebroadcast: 0, replaced: 0 };
    const open = await this.#db
      .selectFrom('relayer_transactions')
      .selectAll()
      .where('chain_id', '=', this.chainId)
      .where('from_address', '=', this.address)
      .where('status', 'in', OPEN_STATUSES)
      .orderBy('nonce')
      .limit(MONITOR_BATCH_MAX)
      .execute();
    result.open = open.length;
    if (open.length === 0) return result;

    const [minedCount, blockNumber] = await Promise.all([
      this.#chain.publicClient.getTransactionCount({ address: this.address, blockTag: 'latest' }),
      this.#chain.publicClient.getBlockNumber({ cacheTime: 0 }),
    ]);
    await this.#resyncNonce(minedCount);
    const now = Date.now();

    for (const tx of open) {
      if (tx.nonce < minedCount) {
        const settled = await this.#settleMined(tx, Number(blockNumber));
        if (settled === 'mined') result.mined += 1;
        if (settled === 'final') result.confirmed += 1;
        continue;
      }
      // Not mined yet (or no longer: a reorg removed the block that had it).
      if (tx.status === 'MINED') {
        await this.#db
          .updateTable('relayer_transactions')
          .set({
            status: 'BROADCAST',
            mined_hash: null,
            block_number: null,
            block_hash: null,
            updated_at: new Date(),
          })
          .where('id', '=', tx.id)
          .execute();
        tx.status = 'BROADCAST';
      }
      const attempt = await this.#latestAttempt(tx.id);
      const attemptAgeMs = now - new Date(attempt.created_at).getTime();
      if (tx.status === 'BROADCAST' && attemptAgeMs >= this.#settings.replaceAfterMs) {
        if (await this.#replace(tx.id)) {
          result.replaced += 1;
          continue;
        }
      }
      const lastSent = tx.last_broadcast_at ? new Date(tx.last_broadcast_at).getTime() : 0;
      if (tx.status === 'SIGNED' || now - lastSent >= this.#settings.rebroadcastAfterMs) {
        await this.broadcast(tx.id);
        result.rebroadcast += 1;
      }
    }
    return result;
  }

  /** The chain says nonces below `minedCount` are used: never assign one of them again. */
  async #resyncNonce(minedCount: number) {
    const updated = await this.#db
      .updateTable('relayer_accounts')
      .set({ next_nonce: minedCount, updated_at: new Date() })
      .where('chain_id', '=', this.chainId)
      .where('address', '=', this.address)
      .where('next_nonce', '<', minedCount)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) {
      this.#logger.error(
        { minedCount },
        'relayer nonce behind the chain (key used elsewhere or database restored); resynced',
      );
    }
  }

  async #settleMined(tx: TRelayerTransaction, blockNumber: number): Promise<'mined' | 'final' | 'waiting'> {
    const attempts = await this.#db
      .selectFrom('relayer_attempts')
      .select(['tx_hash', 'is_cancellation'])
      .where('transaction_id', '=', tx.id)
      .orderBy('id', 'desc')
      .execute();
    for (const attempt of attempts) {
      let receipt: Awaited<ReturnType<TChainConnection['publicClient']['getTransactionReceipt']>> | null =
        null;
      try {
        receipt = await this.#chain.publicClient.getTransactionReceipt({ hash: attempt.tx_hash as Hex });
      } catch (error) {
        const rpcError = toRpcError(error);
        if (rpcError.kind === 'RPC_UNAVAILABLE') throw rpcError;
        continue; // not found: try the other attempts
      }
      this.#conflictSeenAt.delete(tx.id);
      const depth = blockNumber - Number(receipt.blockNumber) + 1;
      const final = depth >= this.#settings.confirmations;
      const status = !final
        ? 'MINED'
        : attempt.is_cancellation
          ? 'CANCELLED'
          : receipt.status === 'success'
            ? 'CONFIRMED'
            : 'REVERTED';
      await this.#db
        .updateTable('relayer_transactions')
        .set({
          status,
          mined_hash: receipt.transactionHash,
          block_number: Number(receipt.blockNumber),
          block_hash: receipt.blockHash,
          gas_used: receipt.gasUsed,
          effective_gas_price_wei: receipt.effectiveGasPrice,
          // OP-stack: the L1 data fee is paid on top of gas × price (l1-fees.ts); 0 elsewhere.
          l1_fee_wei: l1FeeOfReceipt(receipt, this.#chain.network.feeModel),
          updated_at: new Date(),
        })
        .where('id', '=', tx.id)
        .execute();
      return final ? 'final' : 'mined';
    }
    // The nonce is used but none of our attempts has a receipt. A lagging node can show this briefly.
    const firstSeen = this.#conflictSeenAt.get(tx.id) ?? Date.now();
    this.#conflictSeenAt.set(tx.id, firstSeen);
    if (Date.now() - firstSeen >= NONCE_CONFLICT_GRACE_MS) {
      this.#logger.error(
        { transactionId: tx.id, nonce: tx.nonce },
        'relayer nonce used by a foreign transaction',
      );
      await this.#db
        .updateTable('relayer_transactions')
        .set({
          status: 'NONCE_CONFLICT',
          last_error: 'nonce used by a transaction that is not ours',
          updated_at: new Date(),
        })
        .where('id', '=', tx.id)
        .execute();
      this.#conflictSeenAt.delete(tx.id);
      return 'final';
    }
    return 'waiting';
  }

  /** One monitor pass per poll interval per process, shared by every caller waiting in this process. */
  async monitorOnce(): Promise<void> {
    if (this.#monitoring) {
      await this.#monitoring;
      return;
    }
    if (Date.now() - this.#lastMonitorAt < this.#settings.pollIntervalMs) return;
    this.#lastMonitorAt = Date.now();
    this.#monitoring = this.monitor().finally(() => {
      this.#monitoring = null;
    });
    await this.#monitoring;
  }

  /** Resolves with the transaction once it is final (CONFIRMED, REVERTED, CANCELLED or NONCE_CONFLICT). */
  async waitForFinal(transactionId: string, timeoutMs: number): Promise<TRelayerTransaction> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tx = await this.get(transactionId);
      if ((FINAL_STATUSES as readonly string[]).includes(tx.status)) return tx;
      if (Date.now() > deadline) {
        throw new RelayerError(
          'TIMEOUT',
          `relayer transaction ${transactionId} not final after ${timeoutMs} ms (${tx.status})`,
        );
      }
      try {
        await this.monitorOnce();
      } catch (error) {
        const rpcError = error instanceof RpcError ? error : toRpcError(error);
        this.#logger.warn({ err: rpcError.message, kind: rpcError.kind }, 'relayer monitor pass failed');
      }
      await new Promise((resolve) => setTimeout(resolve, this.#settings.pollIntervalMs));
    }
  }

  /** Runs monitor passes in the background until the returned stop function is called. */
  startMonitor(): () => Promise<void> {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        try {
          await this.monitorOnce();
        } catch (error) {
          this.#logger.warn({ err: toRpcError(error).message }, 'relayer monitor pass failed');
        }
        await new Promise((resolve) => setTimeout(resolve, this.#settings.pollIntervalMs));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  }
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
