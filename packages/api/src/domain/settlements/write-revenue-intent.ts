import { sql } from 'kysely';
import {
  recordRevenueSettlement,
  type TRecordedRevenueSettlement,
  type TRecordRevenueSettlementInput,
} from '../commissions/record-revenue-settlement';
import type { TDbExecutor } from '../in-transaction';

/**
 * The revenue-settlement writer (issue 23): the intent + settlement writing that a claim
 * (domain/claims/record-claim.ts), a Commerce or Business checkout (domain/commerce/confirm-commerce-payment.ts),
 * a manual payment (domain/payments/record-manual-payment.ts) and a direct on-chain payment
 * (domain/payments/record-onchain-payment.ts) share. Every step runs in the caller's transaction.
 *
 * - openRevenueIntent: the intent, by its unique idempotency key (INSERT ... ON CONFLICT DO NOTHING, else the
 *   existing row locked FOR UPDATE), so two writers of one key serialise on the row;
 * - attributePayer: the payer's users row gets a referrer when it has none (a payment made before the mint
 *   still pays the referrer's commission);
 * - settleRevenueIntent: recordRevenueSettlement (settlement, ledger `settlement:<id>`, commissions) and the
 *   intent CONFIRMED (intent_events records the change).
 */

type TRevenueIntentType = TRecordRevenueSettlementInput['kind'];

export type TOpenedRevenueIntent = {
  intentId: string;
  /** False when the key existed: `payload` and `createdAt` are then the stored ones. */
  created: boolean;
  payload: unknown;
  createdAt: Date;
};

/** Inserts the intent of `idempotencyKey`, or locks the existing one. */
export async function openRevenueIntent(
  tx: TDbExecutor,
  input: {
    programId: string;
    type: TRevenueIntentType;
    idempotencyKey: string;
    wallet: string;
    payload: Record<string, unknown>;
    /** A claim is PROCESSING while verified; a payment is written CONFIRMED by settleRevenueIntent. */
    initial?: { status: 'PROCESSING'; reason: string; attempts: number };
  },
): Promise<TOpenedRevenueIntent> {
  const inserted = await tx
    .insertInto('intents')
    .values({
      program_id: input.programId,
      type: input.type,
      idempotency_key: input.idempotencyKey,
      wallet: input.wallet,
      payload: JSON.stringify(input.payload),
      ...(input.initial
        ? {
            status: input.initial.status,
            status_reason: input.initial.reason,
            attempts: input.initial.attempts,
          }
        : {}),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
  if (inserted) {
    return { intentId: inserted.id, created: true, payload: input.payload, createdAt: inserted.created_at };
  }
  const existing = await tx
    .selectFrom('intents')
    .select(['id', 'payload', 'created_at'])
    .where('idempotency_key', '=', input.idempotencyKey)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { intentId: existing.id, created: false, payload: existing.payload, createdAt: existing.created_at };
}

/**
 * Gives the payer's users row a referrer when it has none: the referrer of the wallet's registration intent
 * (first touch, counted only once its proof of wallet is verified, issue 18), else `fallbackAffiliateId` (the
 * one decided when a checkout was created). Creates the users row when needed (registered_at stays null until
 * the mint, which keeps this referrer).
 */
export async function attributePayer(
  tx: TDbExecutor,
  input: { programId: string; wallet: string; fallbackAffiliateId: string | null; note: string },
): Promise<void> {
  await sql`
    INSERT INTO users (program_id, wallet, referred_by_affiliate_id, referral_note)
    SELECT ${input.programId}::uuid, ${input.wallet}, referrer, ${input.note}::text
      FROM (
        SELECT coalesce((i.payload->>'affiliateId')::uuid, ${input.fallbackAffiliateId}::uuid) AS referrer
          FROM (SELECT 1) one
          LEFT JOIN intents i ON i.idempotency_key = ${`register:${input.programId}:${input.wallet}`}
               AND (NOT i.payload ? 'proof' OR i.payload ? 'proofVerifiedAt')
      ) attribution
     WHERE referrer IS NOT NULL
    ON CONFLICT (program_id, wallet) DO UPDATE
       SET referred_by_affiliate_id = coalesce(users.referred_by_affiliate_id, EXCLUDED.referred_by_affiliate_id),
           referral_note = coalesce(users.referral_note, EXCLUDED.referral_note),
           updated_at = now()
     WHERE users.referred_by_affiliate_id IS NULL`.execute(tx);
}

/**
 * Records the intent's revenue settlement (idempotent per intent, see recordRevenueSettlement) and marks the
 * intent CONFIRMED with `reason` unless it is already.
 */
export async function settleRevenueIntent(
  tx: TDbExecutor,
  intentId: string,
  settlement: Omit<TRecordRevenueSettlementInput, 'intentId'>,
  confirmation: {
    reason: string;
    confirmedAt: Date;
    /** The intent's `result`, from the settlement's id. */
    result?: (settlementId: string) => Record<string, unknown>;
  },
): Promise<TRecordedRevenueSettlement> {
  const recorded = await recordRevenueSettlement(tx, { ...settlement, intentId });
  const now = new Date();
  await tx
    .updateTable('intents')
    .set({
      status: 'CONFIRMED',
      status_reason: confirmation.reason,
      confirmed_at: confirmation.confirmedAt,
      updated_at: now,
      locked_by: null,
      locked_until: null,
      last_error: null,
      ...(confirmation.result ? { result: confirmation.result(recorded.settlement.id) } : {}),
    })
    .where('id', '=', intentId)
    .where('status', '<>', 'CONFIRMED')
    .execute();
  return recorded;
}

/**
 * A payment's whole write (Commerce, Business, manual, on-chain): the intent, the payer's attribution when the
 * intent is new, the settlement and the intent CONFIRMED. `check` sees an existing intent's stored payload
 * first (e.g. a manual payment's reference reused with other content) and may throw.
 *
 * @example
 * await writeRevenueIntent(tx, { programId, idempotencyKey: `commerce:${programId}:${code}`, wallet,
 *   payload: { chargeCode: code }, attribution: { fallbackAffiliateId: null, note: 'by charge' },
 *   reason: `Commerce charge ${code} confirmed`, confirmedAt: new Date(),
 *   settlement: { programId, kind: 'COMMERCE_PAYMENT', wallet, amount: 100_000_000n, currency: 'USD' } });
 */
export async function writeRevenueIntent(
  tx: TDbExecutor,
  input: {
    programId: string;
    idempotencyKey: string;
    wallet: string;
    payload: Record<string, unknown>;
    attribution: { fallbackAffiliateId: string | null; note: string };
    reason: string;
    confirmedAt: Date;
    settlement: Omit<TRecordRevenueSettlementInput, 'intentId' | 'programId' | 'wallet'>;
    check?: (stored: unknown) => void;
  },
): Promise<TOpenedRevenueIntent & { recorded: TRecordedRevenueSettlement }> {
  const intent = await openRevenueIntent(tx, {
    programId: input.programId,
    type: input.settlement.kind,
    idempotencyKey: input.idempotencyKey,
    wallet: input.wallet,
    payload: input.payload,
  });
  if (!intent.created) input.check?.(intent.payload);
  if (intent.created) {
    await attributePayer(tx, {
      programId: input.programId,
      wallet: input.wallet,
      fallbackAffiliateId: input.attribution.fallbackAffiliateId,
      note: input.attribution.note,
    });
  }
  const recorded = await settleRevenueIntent(
    tx,
    intent.intentId,
    { ...input.settlement, programId: input.programId, wallet: input.wallet },
    { reason: input.reason, confirmedAt: input.confirmedAt },
  );
  return { ...intent, recorded };
}
