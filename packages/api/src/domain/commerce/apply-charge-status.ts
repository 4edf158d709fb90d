import type { TCommerceChargeStatus } from '@sge/shared';
import type { TDbExecutor } from '../in-transaction';
import { confirmCommercePayment, type TConfirmedPayment } from './confirm-commerce-payment';
import {
  PAID_CHARGE_STATUSES,
  recordChargeStatus,
  type TChargeRow,
  type TChargeStatusChange,
} from './record-charge-status';
import { findChargeSettlement, refundChargeInTransaction } from './refund-commerce-charge';

export type TAppliedChargeStatus = {
  charge: TChargeRow;
  /** The payment recorded (or found) when the status confirms it. */
  payment: TConfirmedPayment | null;
  /** Set when the status refunded a recorded payment. */
  refunded: boolean;
};

/** A Commerce webhook event type → the charge status it reports (null: not a status the platform tracks). */
export function chargeStatusOfEvent(type: string): TCommerceChargeStatus | null {
  switch (type) {
    case 'charge:created':
      return 'NEW';
    case 'charge:pending':
      return 'PENDING';
    case 'charge:confirmed':
      return 'CONFIRMED';
    case 'charge:failed':
      return 'FAILED';
    case 'charge:delayed':
      return 'DELAYED';
    case 'charge:resolved':
      return 'RESOLVED';
    case 'charge:refunded':
      return 'REFUNDED';
    default:
      return null;
  }
}

/** A status of Commerce's charge `timeline` → the platform's status (null: not tracked, e.g. REFUND PENDING). */
export function chargeStatusOfTimeline(status: string): TCommerceChargeStatus | null {
  switch (status.toUpperCase()) {
    case 'NEW':
      return 'NEW';
    case 'PENDING':
      return 'PENDING';
    case 'COMPLETED':
    case 'CONFIRMED':
      return 'CONFIRMED';
    case 'RESOLVED':
      return 'RESOLVED';
    case 'EXPIRED':
      return 'EXPIRED';
    case 'CANCELED':
    case 'CANCELLED':
      return 'CANCELED';
    case 'UNRESOLVED':
      return 'UNRESOLVED';
    case 'DELAYED':
      return 'DELAYED';
    case 'REFUNDED':
      return 'REFUNDED';
    default:
      return null;
  }
}

/**
 * Applies one reported status of a charge (from a webhook event or a refresh) with its effects, in the
 * caller's transaction, the charge row locked:
 * - always: a history row, and the charge's status (never moved back from paid or refunded);
 * - CONFIRMED / RESOLVED: the payment (confirmCommercePayment) — unless the charge was refunded already;
 * - REFUNDED: the refund of a recorded payment (refundChargeInTransaction); before any payment, only the
 *   status, so that a late confirmation does not resurrect it.
 * FAILED, DELAYED, PENDING, EXPIRED, ... are recorded, nothing else.
 */
export async function applyChargeStatus(
  tx: TDbExecutor,
  charge: TChargeRow,
  status: TCommerceChargeStatus,
  change: TChargeStatusChange,
): Promise<TAppliedChargeStatus> {
  if (status === 'REFUNDED' && (await findChargeSettlement(tx, charge)) !== null) {
    const refund = await refundChargeInTransaction(
      tx,
      charge,
      `Commerce reported charge ${charge.code} refunded`,
      { actor: 'system:commerce', requestId: null },
      change,
    );
    const updated = await tx
      .selectFrom('commerce_charges')
      .selectAll()
      .where('code', '=', charge.code)
      .executeTakeFirstOrThrow();
    return { charge: updated, payment: null, refunded: refund.created };
  }
  const wasRefunded = charge.status === 'REFUNDED';
  const updated = await recordChargeStatus(tx, charge, status, change);
  let payment: TConfirmedPayment | null = null;
  if (PAID_CHARGE_STATUSES.has(status) && !wasRefunded) {
    payment = await confirmCommercePayment(tx, updated, {
      occurredAt: change.occurredAt,
      details: { eventType: change.eventType ?? null, webhookEventId: change.webhookEventId ?? null },
    });
  }
  return { charge: updated, payment, refunded: false };
}
