import {
  MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD,
  type TManualPayment,
  type TManualPaymentCurrency,
} from '@sge/shared';
import { getAddress } from 'viem';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';
import { writeRevenueIntent } from '../settlements/write-revenue-intent';

/**
 * Key formats (written down once, here):
 * - manual payment intent idempotency key: `manual-payment:<programId>:<reference>`, unique in
 *   intents.idempotency_key, so one client reference is one payment per program however often it is sent
 *   and by however many admins at once (the second insert waits for the first and then finds it).
 * - settlement provider_ref: `manual:<reference>`; settlement and intent details carry
 *   `{source: 'manual', reference, note, enteredBy}`.
 *
 * A manual payment is recorded as a COMMERCE_PAYMENT intent and settlement (an off-chain payment, like a
 * Commerce charge), so the payment gate (has-paid.ts), refunds, the settlement list and reconciliation treat
 * it as any other payment.
 */
export function manualPaymentKey(programId: string, reference: string): string {
  return `manual-payment:${programId}:${reference}`;
}

export type TRecordManualPaymentInput = {
  programId: string;
  wallet: string;
  /** In the currency's smallest unit (6 decimals: micro-USD). */
  amount: bigint;
  currency: TManualPaymentCurrency;
  reference: string;
  note: string;
};

/**
 * The second admin's approval of a payment above MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD (the
 * MANUAL_PAYMENT change it applies). Kept in the intent's payload and the settlement's details, where the
 * reconciliation check `manual_revenue` looks for it.
 */
export type TManualPaymentApproval = { changeId: string; proposedBy: string; approvedBy: string };

type TManualPaymentPayload = {
  source: 'manual';
  reference: string;
  wallet: string;
  amount: string;
  currency: TManualPaymentCurrency;
  note: string;
  enteredBy: string;
  approval?: TManualPaymentApproval;
};

/**
 * Records an off-chain payment an admin enters by hand (SPEC §6 "manual payment entry"), in one
 * transaction:
 * 1. the COMMERCE_PAYMENT intent `manual-payment:<program>:<reference>`, CONFIRMED (INSERT ... ON CONFLICT
 *    DO NOTHING on the unique key, then the status change, which intent_events records);
 * 2. the payer's attribution when the wallet has no referrer yet: the referrer of its registration intent
 *    (first touch, as decided at acceptance), so a payment entered before the SGE-ID is minted still earns
 *    the referrer a commission;
 * 3. recordRevenueSettlement: the settlement, the revenue ledger transaction and the commissions up the
 *    referring chain;
 * 4. the audit log entry `payment.manual_record`.
 *
 * Idempotent by reference: the same reference with the same wallet, amount, currency and note returns the
 * recorded payment (`created: false`) and writes nothing; with different content it is AppError CONFLICT.
 *
 * @example
 * await recordManualPayment(db, who, { programId, wallet, amount: 250_000_000n, currency: 'USD',
 *   reference: 'wire-2025-0042', note: 'bank transfer for the annual plan' });
 * @throws AppError NOT_FOUND for an unknown program, CONFLICT for a reused reference with other content.
 */
export async function recordManualPayment(
  db: TDbExecutor,
  who: TActor,
  input: TRecordManualPaymentInput,
  options: {
    /** Who entered it when that is not `who` (an approved change: the proposer; `who` is the approver). */
    enteredBy?: string;
    approval?: TManualPaymentApproval;
  } = {},
): Promise<TManualPayment> {
  if (input.amount <= 0n) {
    throw new AppError('VALIDATION_FAILED', 'body.amount: must be a positive amount', {
      details: { field: 'body.amount' },
    });
  }
  if (input.amount > MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD) {
    throw new AppError(
      'VALIDATION_FAILED',
      `body.amount: at most ${MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD} (1,000,000 USD) per manual payment`,
      { details: { field: 'body.amount' } },
    );
  }
  const wallet = getAddress(input.wallet);
  const payload: TManualPaymentPayload = {
    source: 'manual',
    reference: input.reference,
    wallet,
    amount: input.amount.toString(),
    currency: input.currency,
    note: input.note,
    enteredBy: options.enteredBy ?? who.actor,
    ...(options.approval ? { approval: options.approval } : {}),
  };
  return await inTransaction(db, async (tx) => {
    await getProgram(tx, input.programId);
    const written = await writeRevenueIntent(tx, {
      programId: input.programId,
      idempotencyKey: manualPaymentKey(input.programId, input.reference),
      wallet,
      payload,
      attribution: {
        fallbackAffiliateId: null,
        note: `attributed by registration, at manual payment ${input.reference}`,
      },
      reason: options.approval
        ? `manual payment ${input.reference} entered by ${payload.enteredBy}, approved by ${options.approval.approvedBy}`
        : `manual payment ${input.reference} entered by ${payload.enteredBy}`,
      confirmedAt: new Date(),
      check: (stored) => {
        const differing = (['wallet', 'amount', 'currency', 'note'] as const).filter(
          (field) => (stored as TManualPaymentPayload)[field] !== payload[field],
        );
        if (differing.length > 0) {
          throw new AppError(
            'CONFLICT',
            `reference ${input.reference} is already recorded with a different ${differing.join(', ')}`,
            { details: { field: 'body.reference', differing } },
          );
        }
      },
      settlement: {
        kind: 'COMMERCE_PAYMENT',
        amount: input.amount,
        currency: input.currency,
        providerRef: `manual:${input.reference}`,
        // Written with the intent (a repeat finds the settlement and writes nothing).
        details: {
          source: 'manual',
          reference: input.reference,
          note: input.note,
          enteredBy: payload.enteredBy,
          ...(payload.approval ? { approval: payload.approval } : {}),
        },
      },
    });
    const stored = written.payload as TManualPaymentPayload;
    const inserted = written.created;
    const intent = { id: written.intentId, created_at: written.createdAt, payload: stored };
    const recorded = written.recorded;
    const view: TManualPayment = {
      intentId: intent.id,
      settlementId: recorded.settlement.id,
      programId: input.programId,
      wallet,
      amount: input.amount.toString(),
      currency: input.currency,
      reference: input.reference,
      note: input.note,
      enteredBy: intent.payload.enteredBy,
      createdAt: intent.created_at.toISOString(),
      created: inserted,
      commissions: recorded.commissions.map((c) => ({
        id: c.id,
        affiliateId: c.affiliate_id,
        level: c.level,
        amount: c.amount.toString(),
        status: c.status,
      })),
    };
    if (inserted) {
      await writeAudit(tx, who, {
        action: 'payment.manual_record',
        programId: input.programId,
        subjectType: 'settlement',
        subjectId: recorded.settlement.id,
        after: { ...view, created: undefined },
      });
    }
    return view;
  });
}
