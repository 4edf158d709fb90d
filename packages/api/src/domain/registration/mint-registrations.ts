import { sgeIdAbi } from '@sge/contracts';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { type Address, decodeEventLog, encodeFunctionData, getAddress, type Hex } from 'viem';
import { relayerTransactionCostWei } from '../../chain/l1-fees';
import { RelayerError } from '../../chain/relayer';
import { RpcError } from '../../chain/rpc-errors';
import { HEARTBEAT_STALE_MS } from '../../db/heartbeat-limits';
import type { MintBatchesTable } from '../../db/schema';
import type { TRuntime } from '../../runtime';
import { ACCOUNTS } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { REGISTRATION_SIGNATURE_INVALID, type TRegistrationCandidate } from './registration-candidates';
import { pausedProgramIds, readSponsorshipBudgets } from './sponsorship-budgets';
import { type TRegistrationProofPayload, verifyRegistrationProof } from './verify-registration-proof';

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

function retryDelayMs(attempts: number): number {
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

/** Takes an abandoned batch (expired lease) to resume, or claims a new one. Null when there is no work. */
export async function claimMintBatch(runtime: TRuntime, workerId: string): Promise<TMintBatch | null> {
  const { db } = runtime.database;
  const leaseUntil = new Date(Date.now() + runtime.config.workers.mintBatchLeaseMs);
  const resumed = await sql<TMintBatch>`
    UPDATE mint_batches SET locked_by = ${workerId}, locked_until = ${leaseUntil}, updated_at = now()
     WHERE id = (SELECT b.id FROM mint_batches b WHERE ${ABANDONED_MINT_BATCH}
                  ORDER BY b.created_at LIMIT 1 FOR UPDATE OF b SKIP LOCKED)
    RETURNING *`.execute(db);
  if (resumed.rows[0]) return resumed.rows[0];

  const budgets = await readSponsorshipBudgets(db, runtime.config.globalDailyGasBudgetWei);
  // Crossing the global gas budget pauses every program; nothing is claimed, the intents stay PENDING.
  if (budgets.globalGasPaused) return null;
  const paused = pausedProgramIds(budgets);

  return await db.transaction().execute(async (trx) => {
    let oldestQuery = trx
      .selectFrom('intents')
      .select('program_id')
      .where('type', '=', 'REGISTER')
      .where('status', '=', 'PENDING')
      .where('next_attempt_at', '<=', new Date());
    if (paused.length > 0) oldestQuery = oldestQuery.where('program_id', 'not in', paused);
    const oldest = await oldestQuery
      .orderBy('created_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!oldest) return null;
    const mintsRemaining = budgets.programs.get(oldest.program_id)?.mintsRemaining ?? null;
    const program = await trx
      .selectFrom('programs')
      .select(['sge_id_address'])
      .where('id', '=', oldest.program_id)
      .executeTakeFirstOrThrow();
    const contract = program.sge_id_address ?? runtime.contracts.sgeId;
    if (!contract) {
      runtime.logger.error(
        { programId: oldest.program_id },
        'no SGE-ID contract configured (SGE_ID_ADDRESS); not minting',
      );
      return null;
    }
    const intents = await trx
      .selectFrom('intents')
      .select(['id'])
      .where('type', '=', 'REGISTER')
      .where('status', '=', 'PENDING')
      .where('program_id', '=', oldest.program_id)
      .where('next_attempt_at', '<=', new Date())
      .orderBy('created_at')
      .limit(Math.min(MINT_BATCH_SIZE_MAX, mintsRemaining ?? MINT_BATCH_SIZE_MAX))
      .forUpdate()
      .skipLocked()
      .execute();
    if (intents.length === 0) return null;
    const batch = await trx
      .insertInto('mint_batches')
      .values({
        program_id: oldest.program_id,
        contract_address: contract,
        size: intents.length,
        locked_by: workerId,
        locked_until: leaseUntil,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('intents')
      .set((eb) => ({
        status: 'PROCESSING',
        status_reason: `minting in batch ${batch.id}`,
        batch_id: batch.id,
        attempts: eb('attempts', '+', 1),
        // The batch's lease governs these intents; the generic sweeper leaves them alone.
        locked_by: workerId,
        locked_until: null,
        updated_at: new Date(),
      }))
      .where(
        'id',
        'in',
        intents.map((intent) => intent.id),
      )
      .execute();
    return batch;
  });
}

/** Signatures checked at once in a batch (contract wallets ask the RPC; EOAs are local recoveries). */
const PROOF_VERIFY_CONCURRENCY_MAX = 16;
/** Times a verdict is re-decided when a request changed the intent meanwhile (a candidate arrived). */
const PROOF_DECIDE_ATTEMPTS_MAX = 3;

type TIntentProofPayload = {
  ref?: string;
  affiliateId?: string | null;
  referralNote?: string | null;
  proof?: TRegistrationProofPayload;
  proofVerifiedAt?: string;
  candidates?: TRegistrationCandidate[];
};

/**
 * Verifies the proof of wallet of each intent of a claimed batch (registration-candidates.ts): the first
 * request's signature if valid (first touch), else the first valid candidate's attribution; none valid → the
 * intent is FAILED with REGISTRATION_SIGNATURE_INVALID and leaves the batch, so no gas is spent on it and no
 * users row (no referral) is ever written for it. Each verdict is written only if the payload is still the
 * one decided on (a request adding a candidate meanwhile makes it decide again).
 */
async function verifyBatchProofs(runtime: TRuntime, batch: TMintBatch) {
  const { db } = runtime.database;
  const rows = await db
    .selectFrom('intents')
    .select(['id', 'wallet', 'payload'])
    .where('batch_id', '=', batch.id)
    .where('status', '=', 'PROCESSING')
    .execute();
  const verify = (wallet: string, proof: TRegistrationProofPayload) =>
    verifyRegistrationProof(runtime.chain.publicClient, {
      ...proof,
      programId: batch.program_id,
      wallet: getAddress(wallet),
      chainId: runtime.chain.chainId,
    });
  let failed = 0;
  const decide = async (row: { id: string; wallet: string | null; payload: unknown }) => {
    let current = row;
    for (let attempt = 0; attempt < PROOF_DECIDE_ATTEMPTS_MAX; attempt++) {
      const payload = current.payload as TIntentProofPayload;
      if (!payload.proof || payload.proofVerifiedAt) return;
      let next: TIntentProofPayload | null = null;
      if (await verify(current.wallet!, payload.proof)) {
        next = { ...payload, proofVerifiedAt: new Date().toISOString() };
        delete next.candidates;
      } else {
        for (const candidate of payload.candidates ?? []) {
          if (!(await verify(current.wallet!, candidate.proof))) continue;
          next = {
            ...(candidate.ref === null
              ? {}
              : {
                  ref: candidate.ref,
                  affiliateId: candidate.affiliateId,
                  referralNote: candidate.referralNote,
                }),
            proof: candidate.proof,
            proofVerifiedAt: new Date().toISOString(),
          };
          break;
        }
      }
      const reason = `${REGISTRATION_SIGNATURE_INVALID}: the signature is not ${current.wallet}'s`;
      const written = await sql`
        UPDATE intents
           SET payload = ${JSON.stringify(next ?? payload)}::jsonb,
               status = ${next ? 'PROCESSING' : 'FAILED'},
               status_reason = ${next ? `minting in batch ${batch.id}` : reason},
               last_error = ${next ? null : reason},
               batch_id = ${next ? batch.id : null},
               locked_by = ${next ? workerIdOf(batch) : null},
               updated_at = now()
         WHERE id = ${current.id} AND status = 'PROCESSING' AND batch_id = ${batch.id}
           AND payload = ${JSON.stringify(payload)}::jsonb`.execute(db);
      if (Number(written.numAffectedRows ?? 0n) > 0) {
        if (!next) failed += 1;
        return;
      }
      const reread = await db
        .selectFrom('intents')
        .select(['id', 'wallet', 'payload'])
        .where('id', '=', current.id)
        .where('status', '=', 'PROCESSING')
        .where('batch_id', '=', batch.id)
        .executeTakeFirst();
      if (!reread) return;
      current = reread;
    }
    throw new Error(`intent ${row.id}: its registration kept changing while it was verified`);
  };
  for (let index = 0; index < rows.length; index += PROOF_VERIFY_CONCURRENCY_MAX) {
    await Promise.all(rows.slice(index, index + PROOF_VERIFY_CONCURRENCY_MAX).map(decide));
  }
  if (failed > 0) {
    runtime.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'FAILED' }, failed);
    runtime.logger.warn(
      { batchId: batch.id, failed },
      'registrations refused: their proof of wallet did not verify; no gas spent on them',
    );
  }
}

const workerIdOf = (batch: TMintBatch) => batch.locked_by;

async function renewLease(runtime: TRuntime, batchId: string, workerId: string): Promise<boolean> {
  const result = await runtime.database.db
    .updateTable('mint_batches')
    .set({
      locked_until: new Date(Date.now() + runtime.config.workers.mintBatchLeaseMs),
      updated_at: new Date(),
    })
    .where('id', '=', batchId)
    .where('locked_by', '=', workerId)
    .where('status', 'in', ['CREATED', 'SENT'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Runs a claimed batch from whatever step it reached to SETTLED, FAILED, or back to the queue. */
export async function processMintBatch(
  runtime: TRuntime,
  batch: TMintBatch,
  workerId: string,
): Promise<TMintOutcome> {
  const { db } = runtime.database;
  // Proof of wallet before any gas is spent: intents whose signature does not verify leave the batch FAILED.
  if (!batch.relayer_transaction_id) await verifyBatchProofs(runtime, batch);
  const intents = await db
    .selectFrom('intents')
    .select(['id', 'wallet'])
    .where('batch_id', '=', batch.id)
    .where('status', '=', 'PROCESSING')
    .orderBy('created_at')
    .execute();
  const wallets = intents.map((intent) => getAddress(intent.wallet!));
  const outcome = (status: TMintOutcome['status'], minted = 0): TMintOutcome => ({
    batchId: batch.id,
    status,
    minted,
    size: wallets.length,
  });
  if (wallets.length === 0) {
    await db
      .updateTable('mint_batches')
      .set({ status: 'FAILED', last_error: 'no intents left in the batch', updated_at: new Date() })
      .where('id', '=', batch.id)
      .execute();
    return outcome('FAILED');
  }

  let relayerTxId = batch.relayer_transaction_id;
  if (!relayerTxId) {
    try {
      const tx = await runtime.relayer.send({
        purpose: 'mint_batch',
        items: wallets.length,
        reference: `mint-batch:${batch.id}`,
        to: batch.contract_address as Address,
        data: encodeFunctionData({ abi: sgeIdAbi, functionName: 'mintBatch', args: [wallets] }),
      });
      relayerTxId = tx.id;
      await db
        .updateTable('mint_batches')
        .set({ status: 'SENT', relayer_transaction_id: tx.id, updated_at: new Date() })
        .where('id', '=', batch.id)
        .execute();
    } catch (error) {
      // Not sent: an operating condition (relayer short of ETH, fees above the cap, RPC down) is not the
      // registrations' fault and costs them no attempt; a mint that would revert, need more gas than a mint
      // may, or go to a contract the platform does not know, does.
      const infrastructure =
        (error instanceof RelayerError &&
          !['ESTIMATE_FAILED', 'GAS_ABOVE_CAP', 'TARGET_NOT_ALLOWED'].includes(error.kind)) ||
        (error instanceof RpcError && error.retryable);
      await failBatch(runtime, batch.id, (error as Error).message, { countAttempt: !infrastructure });
      if (!infrastructure) throw error;
      runtime.logger.warn(
        { batchId: batch.id, err: (error as Error).message },
        'mint batch not sent; will retry',
      );
      return outcome('RETRY_LATER');
    }
  }

  // Wait for the transaction, renewing the lease so no other worker resumes this batch meanwhile.
  const renew = setInterval(() => {
    renewLease(runtime, batch.id, workerId).catch((error: unknown) =>
      runtime.logger.warn({ err: error, batchId: batch.id }, 'mint batch lease renewal failed'),
    );
  }, runtime.config.workers.mintBatchLeaseMs / 4);
  let final: Awaited<ReturnType<typeof runtime.relayer.waitForFinal>>;
  try {
    final = await runtime.relayer.waitForFinal(relayerTxId, MINT_WAIT_MS);
  } catch (error) {
    // Still pending: hand the batch back (its lease lapses) rather than hold a worker slot forever.
    runtime.logger.warn({ batchId: batch.id, err: (error as Error).message }, 'mint batch still pending');
    return outcome('RETRY_LATER');
  } finally {
    clearInterval(renew);
  }

  // The whole cost: L2 execution plus, on OP-stack chains, the L1 data fee (migration 0018).
  const gasCostWei = relayerTransactionCostWei(final);
  if (final.status !== 'CONFIRMED') {
    await failBatch(runtime, batch.id, `mint transaction ${final.status.toLowerCase()}`, {
      countAttempt: final.status === 'REVERTED',
      gasCostWei,
      programId: batch.program_id,
    });
    return outcome('FAILED');
  }

  // Which wallets this transaction minted, from its Transfer logs.
  const receipt = await runtime.chain.publicClient.getTransactionReceipt({ hash: final.mined_hash as Hex });
  const mintedTokenIds = new Map<string, { tokenId: bigint; logIndex: number }>();
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== getAddress(batch.contract_address)) continue;
    try {
      const event = decodeEventLog({ abi: sgeIdAbi, data: log.data, topics: log.topics });
      if (event.eventName === 'Transfer') {
        mintedTokenIds.set(getAddress(event.args.to), {
          tokenId: event.args.tokenId,
          logIndex: log.logIndex,
        });
      }
    } catch {
      // Another event of the contract (Locked): not a mint record.
    }
  }
  // Skipped wallets already held an SGE-ID: confirm that on-chain and record it (token id = the wallet).
  const alreadyHeld = new Map<string, bigint>();
  for (const wallet of wallets) {
    if (mintedTokenIds.has(wallet)) continue;
    const held = await runtime.chain.publicClient.readContract({
      address: batch.contract_address as Address,
      abi: sgeIdAbi,
      functionName: 'hasMinted',
      args: [wallet],
    });
    if (!held)
      throw new Error(`mint batch ${batch.id}: ${wallet} neither minted nor already holding an SGE-ID`);
    const tokenId = await runtime.chain.publicClient.readContract({
      address: batch.contract_address as Address,
      abi: sgeIdAbi,
      functionName: 'tokenOf',
      args: [wallet],
    });
    alreadyHeld.set(wallet, tokenId);
  }

  const settled = await settleBatch(runtime, batch, intents, {
    txHash: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    blockHash: receipt.blockHash,
    gasCostWei,
    minted: mintedTokenIds,
    alreadyHeld,
  });
  return outcome('SETTLED', settled);
}

async function settleBatch(
  runtime: TRuntime,
  batch: TMintBatch,
  intents: { id: string; wallet: string | null }[],
  chainFacts: {
    txHash: string;
    blockNumber: number;
    blockHash: string;
    gasCostWei: bigint;
    minted: Map<string, { tokenId: bigint; logIndex: number }>;
    alreadyHeld: Map<string, bigint>;
  },
): Promise<number> {
  const now = new Date();
  const count = BigInt(intents.length);
  const confirmed = await runtime.database.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('mint_batches')
      .select('status')
      .where('id', '=', batch.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.status === 'SETTLED') return [];
    const rows = intents.map((intent, index) => {
      const wallet = getAddress(intent.wallet!);
      const minted = chainFacts.minted.get(wallet);
      const tokenId = minted?.tokenId ?? chainFacts.alreadyHeld.get(wallet)!;
      // The batch's gas, split exactly: the first (cost mod n) wallets carry one wei more.
      const gasShareWei =
        chainFacts.gasCostWei / count + (BigInt(index) < chainFacts.gasCostWei % count ? 1n : 0n);
      return { intent, wallet, tokenId, minted, gasShareWei };
    });
    await trx
      .insertInto('settlements')
      .values(
        rows.map((row) => ({
          program_id: batch.program_id,
          intent_id: row.intent.id,
          kind: 'REGISTER' as const,
          wallet: row.wallet,
          tx_hash: row.minted ? chainFacts.txHash : null,
          block_number: row.minted ? chainFacts.blockNumber : null,
          block_hash: row.minted ? chainFacts.blockHash : null,
          log_index: row.minted?.logIndex ?? null,
          amount: row.minted ? row.gasShareWei : 0n,
          currency: 'ETH',
          details: JSON.stringify({
            batchId: batch.id,
            batchTxHash: chainFacts.txHash,
            tokenId: row.tokenId.toString(),
            alreadyHeld: !row.minted,
            gasShareWei: row.gasShareWei.toString(),
          }),
        })),
      )
      .onConflict((oc) => oc.column('intent_id').doNothing())
      .execute();
    // The users row, with the attribution decided when the registration was accepted (first touch: a
    // referrer already recorded, e.g. by a payment, is kept; the database refuses to overwrite it anyway).
    await sql`
      INSERT INTO users (program_id, wallet, referred_by_affiliate_id, referral_note, token_id, registered_at)
      SELECT ${batch.program_id}::uuid, t.wallet, (i.payload->>'affiliateId')::uuid, i.payload->>'referralNote',
             t.token_id, ${now}
        FROM unnest(${rows.map((row) => row.wallet)}::text[], ${rows.map((row) => row.tokenId.toString())}::numeric[])
             AS t(wallet, token_id)
        JOIN intents i ON i.idempotency_key = 'register:' || ${batch.program_id} || ':' || t.wallet
      ON CONFLICT (program_id, wallet) DO UPDATE
         SET token_id = EXCLUDED.token_id,
             registered_at = coalesce(users.registered_at, EXCLUDED.registered_at),
             referred_by_affiliate_id = coalesce(users.referred_by_affiliate_id, EXCLUDED.referred_by_affiliate_id),
             referral_note = coalesce(users.referral_note, EXCLUDED.referral_note),
             updated_at = EXCLUDED.registered_at`.execute(trx);
    const updated = await trx
      .updateTable('intents')
      .set({
        status: 'CONFIRMED',
        status_reason: `minted in ${chainFacts.txHash}`,
        confirmed_at: now,
        locked_by: null,
        updated_at: now,
        last_error: null,
      })
      .where('batch_id', '=', batch.id)
      .where('status', '=', 'PROCESSING')
      .returning(['id', 'created_at'])
      .execute();
    if (chainFacts.gasCostWei > 0n) {
      await postLedgerTransaction(trx, {
        programId: batch.program_id,
        reference: `gas:mint-batch:${batch.id}`,
        kind: 'gas',
        description: `SGE-ID mint batch of ${intents.length} (${chainFacts.txHash})`,
        entries: [
          { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: chainFacts.gasCostWei },
          { account: ACCOUNTS.relayer, currency: 'ETH', amount: -chainFacts.gasCostWei },
        ],
      });
    }
    await trx
      .updateTable('mint_batches')
      .set({ status: 'SETTLED', settled_at: now, locked_until: null, updated_at: now })
      .where('id', '=', batch.id)
      .execute();
    return updated;
  });
  for (const intent of confirmed) {
    runtime.metrics.settlementDuration.observe(
      { type: 'REGISTER' },
      (now.getTime() - new Date(intent.created_at).getTime()) / 1000,
    );
  }
  runtime.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'CONFIRMED' }, confirmed.length);
  runtime.metrics.registrationsTotal.inc(confirmed.length);
  return confirmed.length;
}

/**
 * Ends a batch that did not settle: its intents go back to PENDING with a backoff (or FAILED for good past
 * their maximum attempts), and the gas a mined failure cost is still booked.
 */
async function failBatch(
  runtime: TRuntime,
  batchId: string,
  reason: string,
  options: { countAttempt: boolean; gasCostWei?: bigint; programId?: string },
) {
  const now = new Date();
  const failed = await runtime.database.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('mint_batches')
      .set({ status: 'FAILED', last_error: reason, locked_until: null, updated_at: now })
      .where('id', '=', batchId)
      .execute();
    const intents = await trx
      .selectFrom('intents')
      .select(['id', 'attempts', 'max_attempts'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'PROCESSING')
      .forUpdate()
      .execute();
    let failedForGood = 0;
    for (const intent of intents) {
      const attempts = options.countAttempt ? intent.attempts : Math.max(0, intent.attempts - 1);
      const exhausted = attempts >= intent.max_attempts;
      if (exhausted) failedForGood += 1;
      await trx
        .updateTable('intents')
        .set({
          status: exhausted ? 'FAILED' : 'PENDING',
          status_reason: exhausted ? `failed after ${attempts} attempts: ${reason}` : `retrying: ${reason}`,
          last_error: reason,
          attempts,
          batch_id: null,
          locked_by: null,
          next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)),
          updated_at: now,
        })
        .where('id', '=', intent.id)
        .execute();
    }
    if (options.gasCostWei && options.gasCostWei > 0n && options.programId) {
      await postLedgerTransaction(trx, {
        programId: options.programId,
        reference: `gas:mint-batch:${batchId}`,
        kind: 'gas',
        description: `failed SGE-ID mint batch (${reason})`,
        entries: [
          { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: options.gasCostWei },
          { account: ACCOUNTS.relayer, currency: 'ETH', amount: -options.gasCostWei },
        ],
      });
    }
    return failedForGood;
  });
  if (failed > 0) runtime.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'FAILED' }, failed);
}
