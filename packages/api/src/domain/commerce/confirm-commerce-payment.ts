import { sql } from 'kysely';
import { recordRevenueSettlement } from '../commissions/record-revenue-settlement';
import type { TDbExecutor } from '../in-transaction';
import type { TChargeRow } from './record-charge-status';

/**
 * Key formats (written down once, here):
 * - COMMERCE_PAYMENT intent idempotency key: `commerce:<programId>:<chargeCode>` (SPEC §4), unique in
 *   intents.idempotency_key, so one charge is one payment however many events or refreshes confirm it.
 * - settlement provider_ref: the charge code.
 */
export function commercePaymentKey(programId: string, chargeCode: string): string {
  return `commerce:${programId}:${chargeCode}`;
}

export type TConfirmedPayment = {
  intentId: string;
  settlementId: string;
  /** False when the charge had been confirmed already (nothing was written). */
  created: boolean;
  commissions: number;
};

/**
 * Records a confirmed Commerce payment, in the caller's transaction (the one that marks the webhook event
 * processed, or the refresh that saw the charge completed):
 * 1. the COMMERCE_PAYMENT intent `commerce:<program>:<code>`, CONFIRMED (INSERT ... ON CONFLICT DO NOTHING,
 *    then the status change, which intent_events records);
 * 2. the payer's attribution, when the payer has no users row with a referrer yet: the referrer of the
 *    wallet's registration intent (first touch) or else the one decided when the charge was created. The
 *    users row is created if needed (registered_at stays null until the SGE-ID is minted; the mint keeps
 *    this referrer). This is what lets a user who pays before registering earn their referrer a commission;
 * 3. recordRevenueSettlement: the settlement (provider_ref = charge code, amount in micro-USD, USD), the
 *    revenue ledger transaction and the commissions up the referring chain.
 * Idempotent: a second call finds the intent and the settlement and writes nothing new.
 */
export async function confirmCommercePayment(
  tx: TDbExecutor,
  charge: TChargeRow,
  options: { occurredAt: Date; details?: Record<string, unknown> },
): Promise<TConfirmedPayment> {
  const key = commercePaymentKey(charge.program_id, charge.code);
  const inserted = await tx
    .insertInto('intents')
    .values({
      program_id: charge.program_id,
      type: 'COMMERCE_PAYMENT',
      idempotency_key: key,
      wallet: charge.wallet,
      payload: JSON.stringify({
        chargeCode: charge.code,
        commerceId: charge.commerce_id,
        source: charge.source,
      }),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  let intentId: string;
  if (inserted) {
    intentId = inserted.id;
    await tx
      .updateTable('intents')
      .set({
        status: 'CONFIRMED',
        status_reason: `Commerce charge ${charge.code} confirmed`,
        confirmed_at: options.occurredAt,
        updated_at: new Date(),
      })
      .where('id', '=', intentId)
      .execute();
  } else {
    intentId = (
      await tx.selectFrom('intents').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow()
    ).id;
  }

  await sql`
    INSERT INTO users (program_id, wallet, referred_by_affiliate_id, referral_note)
    SELECT ${charge.program_id}::uuid, ${charge.wallet}, referrer, note
      FROM (
        SELECT coalesce((i.payload->>'affiliateId')::uuid, ${charge.referrer_affiliate_id}::uuid) AS referrer,
               ${`attributed by Commerce charge ${charge.code}`}::text AS note
          FROM (SELECT 1) one
          LEFT JOIN intents i ON i.idempotency_key = ${`register:${charge.program_id}:${charge.wallet}`}
               -- A registration's referral counts only once its proof of wallet is verified (issue 18).
               AND (NOT i.payload ? 'proof' OR i.payload ? 'proofVerifiedAt')
      ) attribution
     WHERE referrer IS NOT NULL
    ON CONFLICT (program_id, wallet) DO UPDATE
       SET referred_by_affiliate_id = coalesce(users.referred_by_affiliate_id, EXCLUDED.referred_by_affiliate_id),
           referral_note = coalesce(users.referral_note, EXCLUDED.referral_note),
           updated_at = now()
     WHERE users.referred_by_affiliate_id IS NULL`.execute(tx);

  const recorded = await recordRevenueSettlement(tx, {
    programId: charge.program_id,
    intentId,
    kind: 'COMMERCE_PAYMENT',
    wallet: charge.wallet,
    amount: charge.amount,
    currency: 'USD',
    providerRef: charge.code,
    details: {
      chargeCode: charge.code,
      commerceId: charge.commerce_id,
      source: charge.source,
      ...options.details,
    },
    occurredAt: options.occurredAt,
  });
  if (charge.confirmed_at === null) {
    await tx
      .updateTable('commerce_charges')
      .set({ confirmed_at: options.occurredAt, updated_at: new Date() })
      .where('code', '=', charge.code)
      .execute();
  }
  return {
    intentId,
    settlementId: recorded.settlement.id,
    created: recorded.created,
    commissions: recorded.commissions.length,
  };
}
