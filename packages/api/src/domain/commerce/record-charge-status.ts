import type { TCommerceChargeStatus } from '@sge/shared';
import type { Selectable } from 'kysely';
import type { CommerceChargeEventsTable, CommerceChargesTable } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';

export type TChargeRow = Selectable<CommerceChargesTable>;

export type TChargeStatusChange = {
  cause: Selectable<CommerceChargeEventsTable>['cause'];
  /** The webhook event behind the change (unique: an event changes a charge once). */
  webhookEventId?: string | null;
  eventType?: string | null;
  occurredAt: Date;
  details?: Record<string, unknown>;
};

/** Statuses after which a payment stands (until it is refunded). */
export const PAID_CHARGE_STATUSES: ReadonlySet<string> = new Set(['CONFIRMED', 'RESOLVED']);

/**
 * The status a charge moves to when `incoming` is reported while it is `current`: events arrive out of
 * order and are redelivered, so a paid charge is never moved back by a late `charge:pending` or
 * `charge:failed`, and a refunded charge stays refunded.
 */
export function nextChargeStatus(current: string, incoming: TCommerceChargeStatus): string {
  if (current === 'REFUNDED') return current;
  if (PAID_CHARGE_STATUSES.has(current) && incoming !== 'REFUNDED' && !PAID_CHARGE_STATUSES.has(incoming))
    return current;
  return incoming;
}

/**
 * Records that a charge was reported in `status`: one row of its history (always, as reported) and the
 * charge's current status (per nextChargeStatus). Call it in the transaction that applies the change's
 * effects, with the charge row locked (SELECT ... FOR UPDATE). Returns the charge as updated.
 */
export async function recordChargeStatus(
  tx: TDbExecutor,
  charge: TChargeRow,
  status: TCommerceChargeStatus,
  change: TChargeStatusChange,
): Promise<TChargeRow> {
  await tx
    .insertInto('commerce_charge_events')
    .values({
      charge_code: charge.code,
      status,
      cause: change.cause,
      webhook_event_id: change.webhookEventId ?? null,
      event_type: change.eventType ?? null,
      occurred_at: change.occurredAt,
      details: JSON.stringify(change.details ?? {}),
    })
    .execute();
  const next = nextChargeStatus(charge.status, status);
  if (next === charge.status) return charge;
  return await tx
    .updateTable('commerce_charges')
    .set({ status: next, updated_at: new Date() })
    .where('code', '=', charge.code)
    .returningAll()
    .executeTakeFirstOrThrow();
}
