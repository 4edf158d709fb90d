import { randomUUID } from 'node:crypto';
import { GASLESS_CLAIM_BATCH_SIZE_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { type Address, getAddress, type Hex } from 'viem';
import { describeRevert, describeRevertData } from '../../chain/decode-revert';
import { decodeGaslessOutcomes, encodeGaslessClaims } from '../../chain/gasless-claim';
import type { Relayer } from '../../chain/relayer';
import type { TProgram } from '../../db/schema';
import { ACCOUNTS } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { pausedProgramIds, readSponsorshipBudgets } from '../registration/sponsorship-budgets';
import { programClaimTerms, type TClaimEnvironment } from './claim-context';
import type { TGaslessClaimPayload } from './gasless-claim-intents';
import { recordVerifiedClaim } from './record-claim';
import { verifyClaimTransaction } from './verify-claim-transaction';

/** What relaying needs: the claim environment, the relayer, the budgets and the worker's lease. */
export type TRelayGaslessDeps = TClaimEnvironment & {
  relayer: Pick<Relayer, 'send' | 'waitForFinal' | 'findByReference'>;
  globalDailyGasBudgetWei: bigint | null;
  /** How long a worker holds the intents it took; the transaction wait ends a minute earlier. */
  leaseMs: number;
};

type TTaken = {
  id: string;
  wallet: string;
  attempts: number;
  max_attempts: number;
  payload: TGaslessClaimPayload;
};

/** What one call did: no work, or one relayer transaction's claims recorded and refused. */
export type TRelayOutcome =
  | { status: 'IDLE' }
  | { status: 'SETTLED'; reference: string; txHash: string; recorded: number; failed: number }
  | { status: 'FAILED' | 'RETRY_LATER'; reference: string; reason: string };

/**
 * Takes up to GASLESS_CLAIM_BATCH_SIZE_MAX gasless claims of one program and relays them in one transaction
 * (purpose `claim_gasless_batch`, reference `claim-gasless:<uuid>` kept in each intent's payload), then records
 * each claim from the receipt (verifyClaimTransaction + recordVerifiedClaim, exactly once with the chain
 * watcher) and fails, with the decoded reason, each one the contract skipped. The gas is booked as the
 * program's gas_expense, so sponsored claims count against its daily gas budget like mints; a program (or the
 * platform) over budget is left PENDING. Intents carrying a reference (their worker died) are resumed first:
 * their transaction is waited for, never sent twice.
 *
 * @example
 * while ((await relayGaslessClaims(deps, workerId)).status === 'SETTLED') {}
 */
export async function relayGaslessClaims(deps: TRelayGaslessDeps, workerId: string): Promise<TRelayOutcome> {
  const taken = await takeGaslessClaims(deps, workerId);
  if (!taken) return { status: 'IDLE' };
  const { program, reference, intents } = taken;
  const terms = await programClaimTerms(program, deps);
  let transaction = await deps.relayer.findByReference(reference);
  if (!transaction) {
    try {
      transaction = await deps.relayer.send({
        purpose: 'claim_gasless_batch',
        items: intents.length,
        reference,
        to: terms.address,
        data: encodeGaslessClaims(intents.map((intent) => intent.payload)),
      });
    } catch (error) {
      const revert = describeRevert(error);
      const reason = revert ? `the claim would revert: ${revert.message}` : (error as Error).message;
      await release(deps, intents, reason, { terminal: revert !== null, keepReference: false });
      return { status: revert ? 'FAILED' : 'RETRY_LATER', reference, reason };
    }
  }
  const final = await deps.relayer.waitForFinal(transaction.id, Math.max(30_000, deps.leaseMs - 60_000));
  if (final.status === 'CANCELLED' || final.status === 'NONCE_CONFLICT') {
    const reason = `relayer transaction ${final.status.toLowerCase()}`;
    await release(deps, intents, reason, { terminal: false, keepReference: false });
    return { status: 'RETRY_LATER', reference, reason };
  }
  const txHash = final.mined_hash as Hex;
  await bookGas(deps, program, reference, final.gas_used, final.effective_gas_price_wei, txHash);
  if (final.status === 'REVERTED') {
    const reason = `relayer transaction ${txHash} reverted`;
    await release(deps, intents, reason, { terminal: true, keepReference: false });
    return { status: 'FAILED', reference, reason };
  }
  const receipt = await deps.client.getTransactionReceipt({ hash: txHash });
  const outcomes = decodeGaslessOutcomes(receipt.logs, terms.address);
  let recorded = 0;
  let failed = 0;
  for (const intent of intents) {
    const nonce = intent.payload.authorization.nonce.toLowerCase();
    const skipped = outcomes.skipped.get(nonce);
    if (skipped || !outcomes.relayed.has(nonce)) {
      const reason = skipped
        ? `the claim contract skipped it: ${describeRevertData(skipped.reason).message}`
        : `transaction ${txHash} did not relay it`;
      await release(deps, [intent], reason, { terminal: true, keepReference: false });
      failed += 1;
      continue;
    }
    const verified = await verifyClaimTransaction(deps, program, {
      wallet: getAddress(intent.wallet) as Address,
      txHash,
      direct: false,
      source: 'api',
    });
    await recordVerifiedClaim(deps.db, verified);
    recorded += 1;
  }
  return { status: 'SETTLED', reference, txHash, recorded, failed };
}

/** Takes the next gasless claims: those of a transaction already sent first, else fresh ones of one program. */
async function takeGaslessClaims(
  deps: TRelayGaslessDeps,
  workerId: string,
): Promise<{ program: TProgram; reference: string; intents: TTaken[] } | null> {
  const lease = `${deps.leaseMs} milliseconds`;
  return await deps.db.transaction().execute(async (tx) => {
    const resume = await sql<{ reference: string }>`
      SELECT payload->>'relayReference' AS reference FROM intents
       WHERE type = 'CLAIM' AND status = 'PENDING' AND payload ? 'authorizationKey' AND payload ? 'relayReference'
       ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(tx);
    let reference = resume.rows[0]?.reference;
    let ids: string[];
    if (reference) {
      const rows = await sql<{ id: string }>`
        SELECT id FROM intents WHERE type = 'CLAIM' AND status = 'PENDING' AND payload->>'relayReference' = ${reference}
         FOR UPDATE SKIP LOCKED`.execute(tx);
      ids = rows.rows.map((row) => row.id);
    } else {
      const budgets = await readSponsorshipBudgets(tx, deps.globalDailyGasBudgetWei);
      if (budgets.globalGasPaused) return null;
      const paused = pausedProgramIds(budgets);
      const notPaused =
        paused.length === 0
          ? sql`true`
          : sql`program_id NOT IN (${sql.join(paused.map((id) => sql`${id}::uuid`))})`;
      const first = await sql<{ program_id: string }>`
        SELECT program_id FROM intents
         WHERE type = 'CLAIM' AND status = 'PENDING' AND payload ? 'authorizationKey'
           AND NOT payload ? 'relayReference' AND next_attempt_at <= now() AND ${notPaused}
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(tx);
      const programId = first.rows[0]?.program_id;
      if (!programId) return null;
      const rows = await sql<{ id: string }>`
        SELECT id FROM intents
         WHERE type = 'CLAIM' AND status = 'PENDING' AND payload ? 'authorizationKey'
           AND NOT payload ? 'relayReference' AND next_attempt_at <= now() AND program_id = ${programId}
         ORDER BY created_at LIMIT ${GASLESS_CLAIM_BATCH_SIZE_MAX} FOR UPDATE SKIP LOCKED`.execute(tx);
      ids = rows.rows.map((row) => row.id);
      reference = `claim-gasless:${randomUUID()}`;
    }
    if (ids.length === 0) return null;
    const taken = await sql<TTaken & { program_id: string }>`
      UPDATE intents
         SET status = 'PROCESSING', status_reason = ${`relaying in ${reference}`}, locked_by = ${workerId},
             locked_until = now() + ${lease}::interval, attempts = attempts + 1, updated_at = now(),
             payload = payload || jsonb_build_object('relayReference', ${reference}::text)
       WHERE id IN (${sql.join(ids.map((id) => sql`${id}::uuid`))})
      RETURNING id, wallet, attempts, max_attempts, payload, program_id`.execute(tx);
    const program = await tx
      .selectFrom('programs')
      .selectAll()
      .where('id', '=', taken.rows[0]!.program_id)
      .executeTakeFirstOrThrow();
    return { program, reference, intents: taken.rows };
  });
}

/** Puts intents back: PENDING with a backoff, or FAILED (terminal, or out of attempts), recording why. */
async function release(
  deps: TRelayGaslessDeps,
  intents: readonly TTaken[],
  reason: string,
  options: { terminal: boolean; keepReference: boolean },
) {
  for (const intent of intents) {
    const failed = options.terminal || intent.attempts >= intent.max_attempts;
    const retryMs = Math.min(600_000, 5_000 * 2 ** Math.max(0, intent.attempts - 1));
    await sql`
      UPDATE intents
         SET status = ${failed ? 'FAILED' : 'PENDING'}, status_reason = ${failed ? reason : `retrying: ${reason}`},
             last_error = ${reason}, locked_by = NULL, locked_until = NULL, updated_at = now(),
             next_attempt_at = now() + ${`${retryMs} milliseconds`}::interval,
             payload = ${options.keepReference ? sql`payload` : sql`payload - 'relayReference'`}
       WHERE id = ${intent.id} AND status = 'PROCESSING'`.execute(deps.db);
  }
}

/** Books the relayer's gas for the transaction as the program's gas_expense (idempotent by reference). */
async function bookGas(
  deps: TRelayGaslessDeps,
  program: TProgram,
  reference: string,
  gasUsed: bigint | null,
  gasPriceWei: bigint | null,
  txHash: string,
) {
  const gasCostWei = (gasUsed ?? 0n) * (gasPriceWei ?? 0n);
  if (gasCostWei === 0n) return;
  await postLedgerTransaction(deps.db, {
    programId: program.id,
    reference: `gas:${reference}`,
    kind: 'gas',
    description: `gasless claims relayed in ${txHash}`,
    entries: [
      { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: gasCostWei },
      { account: ACCOUNTS.relayer, currency: 'ETH', amount: -gasCostWei },
    ],
  });
}
