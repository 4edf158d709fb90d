import type { TClaimToken } from '@sge/shared';
import { sql } from 'kysely';
import type { Address } from 'viem';
import type { TDb } from '../../db/client';
import { AppError } from '../app-error';
import { SQLSTATE_UNIQUE_VIOLATION, sqlState, violatedConstraint } from '../in-transaction';
import { registerIntentKey } from '../registration/write-registrations';
import { settleRevenueIntent } from '../settlements/write-revenue-intent';
import type { TClaimSettlementDetails } from './claim-views';

/**
 * Intent idempotency key of a claim (SPEC §4): `claim:<programId>:<wallet>` (checksummed wallet). One CLAIM
 * intent per wallet and program; the claim contract itself allows one claim per wallet.
 */
export function claimIntentKey(programId: string, wallet: string): string {
  return `claim:${programId}:${wallet}`;
}

/** A claim as verified on the chain (by verifyClaimTransaction): nothing in it comes from a client. */
export type TVerifiedClaim = {
  programId: string;
  /** Checksummed. */
  wallet: string;
  token: TClaimToken;
  tokenAddress: string;
  /** Fee the treasury received, in the token's smallest unit (6 decimals = micro-USD at par). */
  fee: bigint;
  /** Fee the claim contract charged: more than `fee` when the token kept a transfer fee (USDT's fee switch). */
  feeCharged: bigint;
  /** A gasless claim's relay fee and who was paid it; null for a claim the wallet sent itself. */
  relay: { relayFee: bigint; relayer: string } | null;
  amountWei: bigint;
  claimContract: string;
  treasury: string;
  /** Lower-case. */
  txHash: string;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  blockTime: Date;
  source: 'api' | 'watcher';
};

export type TRecordedClaim = {
  /** False when this claim had been recorded already (nothing was written). */
  created: boolean;
  settlementId: string;
  intentId: string;
  programId: string;
};

/** The unique index (0005-claims) that records an on-chain claim event once, whichever program claims it. */
const CLAIM_EVENT_INDEX = 'settlements_claim_event_key';

/**
 * Records a verified claim, exactly once, in one database transaction:
 * 1. the CLAIM intent `claim:<program>:<wallet>` (inserted, or the existing one taken with FOR UPDATE),
 *    PROCESSING → CONFIRMED, so the state change is in intent_events;
 * 2. the users row marked CLAIMED (created with the attribution of the wallet's registration when the mint
 *    has not been written yet, so the referrer still earns);
 * 3. recordRevenueSettlement: the settlement (tx hash, block, log index, fee in USDC/USDT), the ledger
 *    `settlement:<id>` (treasury/revenue in the token, sge_distributed/sge_vault in SGE) and the commissions
 *    with the fee as their base.
 *
 * Idempotent by database keys, never by a prior read: the intent's unique idempotency key serialises two
 * recorders of the same wallet (the second waits, then finds the first's settlement), and the unique index
 * on (tx_hash, log_index) of CLAIM settlements refuses the same event in another program. Recording the
 * same claim again returns `created: false`; a different claim for a wallet that has one is ALREADY_CLAIMED.
 *
 * @example
 * const { created } = await recordVerifiedClaim(db, await verifyClaimTransaction(env, program, input));
 */
export async function recordVerifiedClaim(db: TDb, claim: TVerifiedClaim): Promise<TRecordedClaim> {
  try {
    return await db.transaction().execute(async (tx) => {
      const key = claimIntentKey(claim.programId, claim.wallet);
      const now = new Date();
      const payload = { token: claim.token, txHash: claim.txHash, source: claim.source };
      const inserted = await tx
        .insertInto('intents')
        .values({
          program_id: claim.programId,
          type: 'CLAIM',
          idempotency_key: key,
          wallet: claim.wallet,
          status: 'PROCESSING',
          status_reason: `verifying ${claim.txHash}`,
          attempts: 1,
          payload,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      let intentId: string;
      if (inserted) {
        intentId = inserted.id;
      } else {
        const existing = await tx
          .selectFrom('intents')
          .select(['id'])
          .where('idempotency_key', '=', key)
          .forUpdate()
          .executeTakeFirstOrThrow();
        intentId = existing.id;
        const settled = await tx
          .selectFrom('settlements')
          .select(['id', 'tx_hash', 'log_index'])
          .where('intent_id', '=', intentId)
          .executeTakeFirst();
        if (settled) {
          if (settled.tx_hash === claim.txHash && settled.log_index === claim.logIndex) {
            return { created: false, settlementId: settled.id, intentId, programId: claim.programId };
          }
          throw new AppError(
            'ALREADY_CLAIMED',
            `${claim.wallet} has already claimed in this program (transaction ${settled.tx_hash})`,
            { details: { txHash: settled.tx_hash, intentId } },
          );
        }
      }

      // The referrer decided when the registration was accepted, for a users row the mint has not written.
      await sql`
        INSERT INTO users (program_id, wallet, referred_by_affiliate_id, referral_note, claim_status, claimed_at)
        SELECT ${claim.programId}::uuid, ${claim.wallet},
               (SELECT (i.payload->>'affiliateId')::uuid FROM intents i
                 WHERE i.idempotency_key = ${registerIntentKey(claim.programId, claim.wallet as Address)}),
               (SELECT i.payload->>'referralNote' FROM intents i
                 WHERE i.idempotency_key = ${registerIntentKey(claim.programId, claim.wallet as Address)}),
               'CLAIMED', ${claim.blockTime}
        ON CONFLICT (program_id, wallet) DO UPDATE
           SET claim_status = 'CLAIMED',
               claimed_at = coalesce(users.claimed_at, EXCLUDED.claimed_at),
               updated_at = now()`.execute(tx);

      const details: TClaimSettlementDetails = {
        claimContract: claim.claimContract,
        tokenAddress: claim.tokenAddress,
        treasury: claim.treasury,
        amountWei: claim.amountWei.toString(),
        source: claim.source,
        blockTime: claim.blockTime.toISOString(),
        ...(claim.feeCharged !== claim.fee ? { feeCharged: claim.feeCharged.toString() } : {}),
        ...(claim.relay ? { relayFee: claim.relay.relayFee.toString(), relayer: claim.relay.relayer } : {}),
      };
      const recorded = await settleRevenueIntent(
        tx,
        intentId,
        {
          programId: claim.programId,
          kind: 'CLAIM',
          wallet: claim.wallet,
          amount: claim.fee,
          currency: claim.token,
          txHash: claim.txHash,
          blockNumber: claim.blockNumber,
          blockHash: claim.blockHash,
          logIndex: claim.logIndex,
          details,
          occurredAt: claim.blockTime,
          sgeDistributedWei: claim.amountWei,
        },
        {
          reason: `claimed in ${claim.txHash} (recorded by the ${claim.source === 'api' ? 'API' : 'chain watcher'})`,
          confirmedAt: now,
          result: (settlementId) => ({ settlementId, txHash: claim.txHash }),
        },
      );
      return { created: true, settlementId: recorded.settlement.id, intentId, programId: claim.programId };
    });
  } catch (error) {
    if (sqlState(error) !== SQLSTATE_UNIQUE_VIOLATION || violatedConstraint(error) !== CLAIM_EVENT_INDEX) {
      throw error;
    }
    // The same on-chain claim is recorded already, in another program using the same contract.
    const other = await db
      .selectFrom('settlements')
      .select(['id', 'intent_id', 'program_id'])
      .where('kind', '=', 'CLAIM')
      .where('tx_hash', '=', claim.txHash)
      .where('log_index', '=', claim.logIndex)
      .executeTakeFirstOrThrow();
    throw new AppError(
      'ALREADY_CLAIMED',
      `transaction ${claim.txHash} is already recorded as a claim of program ${other.program_id}`,
      { details: { programId: other.program_id, intentId: other.intent_id }, cause: error },
    );
  }
}
