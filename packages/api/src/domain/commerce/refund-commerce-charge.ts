import type { TCommerceRefundResponse } from '@sge/shared';
import type { TBusinessApi } from '../../providers/business-api';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { refundSettlement } from '../commissions/refund-settlement';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { providerCall } from '../payments/provider-call';
import { commercePaymentKey } from './confirm-commerce-payment';
import { recordChargeStatus, type TChargeRow, type TChargeStatusChange } from './record-charge-status';

/** The settlement of a charge's payment, or null when the charge was never confirmed. */
export async function findChargeSettlement(
  tx: TDbExecutor,
  charge: Pick<TChargeRow, 'program_id' | 'code'>,
): Promise<{ id: string } | null> {
  const row = await tx
    .selectFrom('settlements as s')
    .innerJoin('intents as i', 'i.id', 's.intent_id')
    .select('s.id')
    .where('i.idempotency_key', '=', commercePaymentKey(charge.program_id, charge.code))
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Refunds a charge's payment inside the caller's transaction (the charge row locked): refundSettlement
 * reverses the revenue, cancels unpaid commissions and claws back paid ones; the charge becomes REFUNDED
 * with a history row. Idempotent (a refunded charge answers `created: false`).
 *
 * @throws AppError INVALID_STATE when the charge has no confirmed payment.
 */
export async function refundChargeInTransaction(
  tx: TDbExecutor,
  charge: TChargeRow,
  reason: string,
  who: TActor,
  change: TChargeStatusChange,
): Promise<TCommerceRefundResponse> {
  const settlement = await findChargeSettlement(tx, charge);
  if (!settlement) {
    throw new AppError('INVALID_STATE', `charge ${charge.code} has no confirmed payment to refund`, {
      details: { code: charge.code, status: charge.status },
    });
  }
  const refund = await refundSettlement(tx, settlement.id, reason, { who });
  if (charge.status !== 'REFUNDED') await recordChargeStatus(tx, charge, 'REFUNDED', change);
  return { code: charge.code, ...refund };
}

/**
 * POST /api/admin/commerce/charges/:code/refund: an admin records that a Commerce payment was refunded
 * (Commerce refunds are made in its dashboard; this makes the platform's books follow). One transaction:
 * the refund (revenue reversed, commissions cancelled or clawed back), the charge REFUNDED, and the audit
 * log entry `commerce_charge.refund`. A program-scoped key sees only its program's charges.
 *
 * @throws AppError NOT_FOUND (unknown charge, or outside `programScope`), INVALID_STATE (not paid).
 */
export async function refundCommerceCharge(
  db: TDbExecutor,
  code: string,
  reason: string,
  options: {
    who: TActor;
    programScope: string | null;
    /** A BUSINESS checkout is refunded through Coinbase first (issue 19); Commerce refunds stay manual. */
    business?: TBusinessApi | null;
  },
): Promise<TCommerceRefundResponse> {
  return await inTransaction(db, async (tx) => {
    let query = tx.selectFrom('commerce_charges').selectAll().where('code', '=', code);
    if (options.programScope) query = query.where('program_id', '=', options.programScope);
    const charge = await query.forUpdate().executeTakeFirst();
    if (!charge) throw new AppError('NOT_FOUND', `charge ${code} not found`);
    if (charge.source === 'BUSINESS' && charge.status !== 'REFUNDED') {
      await refundBusinessCheckout(tx, charge, reason, options.business ?? null);
    }
    const result = await refundChargeInTransaction(tx, charge, reason, options.who, {
      cause: 'admin',
      occurredAt: new Date(),
      details: { reason, actor: options.who.actor },
    });
    if (result.created) {
      await writeAudit(tx, options.who, {
        action: 'commerce_charge.refund',
        programId: charge.program_id,
        subjectType: 'commerce_charge',
        subjectId: charge.code,
        before: { status: charge.status, amount: charge.amount, currency: charge.currency },
        after: { status: 'REFUNDED', reason, settlementId: result.settlementId },
      });
    }
    return result;
  });
}

/**
 * Asks Coinbase Business to refund the whole checkout (idempotency key `refund:<code>`, so a retry after a
 * crash asks once), with the charge row locked, before the books record the refund.
 */
async function refundBusinessCheckout(
  tx: TDbExecutor,
  charge: TChargeRow,
  reason: string,
  api: TBusinessApi | null,
): Promise<void> {
  if ((await findChargeSettlement(tx, charge)) === null) return; // refundChargeInTransaction says why
  if (!api || !charge.commerce_id) {
    throw new AppError(
      'DEPENDENCY_UNAVAILABLE',
      'Coinbase Business is not configured on this server (COINBASE_BUSINESS_API_KEY_ID / _SECRET are not set)',
    );
  }
  const id = charge.commerce_id;
  await providerCall(() =>
    api.refundCheckout(
      id,
      { amountMicroUsd: charge.amount, reason: reason.slice(0, 500) },
      `refund:${charge.code}`,
    ),
  );
}
