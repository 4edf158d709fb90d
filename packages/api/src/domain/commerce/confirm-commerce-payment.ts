import type { TDbExecutor } from '../in-transaction';
import { writeRevenueIntent } from '../settlements/write-revenue-intent';
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
 * 3. recordRevenueSettlement (all three through writeRevenueIntent, domain/settlements/): the settlement (provider_ref = charge code, amount in micro-USD, USD), the
 *    revenue ledger transaction and the commissions up the referring chain.
 * Idempotent: a second call finds the intent and the settlement and writes nothing new.
 */
export async function confirmCommercePayment(
  tx: TDbExecutor,
  charge: TChargeRow,
  options: { occurredAt: Date; details?: Record<string, unknown> },
): Promise<TConfirmedPayment> {
  const provider = charge.source === 'BUSINESS' ? 'Coinbase Business checkout' : 'Commerce charge';
  const written = await writeRevenueIntent(tx, {
    programId: charge.program_id,
    idempotencyKey: commercePaymentKey(charge.program_id, charge.code),
    wallet: charge.wallet,
    payload: { chargeCode: charge.code, commerceId: charge.commerce_id, source: charge.source },
    attribution: {
      fallbackAffiliateId: charge.referrer_affiliate_id,
      note: `attributed by ${provider} ${charge.code}`,
    },
    reason: `${provider} ${charge.code} confirmed`,
    confirmedAt: options.occurredAt,
    settlement: {
      kind: 'COMMERCE_PAYMENT',
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
    },
  });
  if (charge.confirmed_at === null) {
    await tx
      .updateTable('commerce_charges')
      .set({ confirmed_at: options.occurredAt, updated_at: new Date() })
      .where('code', '=', charge.code)
      .execute();
  }
  return {
    intentId: written.intentId,
    settlementId: written.recorded.settlement.id,
    created: written.recorded.created,
    commissions: written.recorded.commissions.length,
  };
}
