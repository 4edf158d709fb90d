import type { TCommerceChargeStatus, TCommerceChargeView } from '@sge/shared';
import { sql } from 'kysely';
import type { TCommerceApi } from '../../providers/commerce-api';
import type { TDbExecutor } from '../in-transaction';
import { applyChargeStatus, chargeStatusOfTimeline, type TAppliedChargeStatus } from './apply-charge-status';
import { CHARGE_HISTORY_SHOWN_MAX, CHARGE_REFRESH_AFTER_MS } from './commerce-limits';
import { commercePaymentKey } from './confirm-commerce-payment';

/** Statuses after which a charge does not change any more on its own (only a refund may follow). */
const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'CONFIRMED',
  'RESOLVED',
  'REFUNDED',
  'EXPIRED',
  'CANCELED',
]);

/**
 * A stored charge with its history and whether it pays the wallet's gate (a settlement of its payment
 * that has not been refunded), or null for an unknown code.
 */
export async function getCommerceCharge(db: TDbExecutor, code: string): Promise<TCommerceChargeView | null> {
  const charge = await db
    .selectFrom('commerce_charges')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  if (!charge) return null;
  const history = await db
    .selectFrom('commerce_charge_events')
    .select(['status', 'cause', 'event_type', 'occurred_at'])
    .where('charge_code', '=', code)
    .orderBy('id', 'desc')
    .limit(CHARGE_HISTORY_SHOWN_MAX)
    .execute();
  const paid = await sql<{ paid: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM settlements s JOIN intents i ON i.id = s.intent_id
       WHERE i.idempotency_key = ${commercePaymentKey(charge.program_id, charge.code)}
         AND NOT EXISTS (SELECT 1 FROM settlement_refunds r WHERE r.settlement_id = s.id)
    ) AS paid`.execute(db);
  return {
    code: charge.code,
    programId: charge.program_id,
    wallet: charge.wallet,
    status: charge.status as TCommerceChargeStatus,
    hostedUrl: charge.hosted_url,
    amount: charge.amount.toString(),
    currency: 'USD',
    source: charge.source,
    expiresAt: charge.expires_at?.toISOString() ?? null,
    confirmedAt: charge.confirmed_at?.toISOString() ?? null,
    createdAt: charge.created_at.toISOString(),
    paid: paid.rows[0]?.paid ?? false,
    history: history.reverse().map((row) => ({
      status: row.status,
      cause: row.cause,
      eventType: row.event_type,
      occurredAt: row.occurred_at.toISOString(),
    })),
  };
}

/**
 * Real mode: asks Commerce for a charge that is not final and was not asked about in the last
 * CHARGE_REFRESH_AFTER_MS, and applies what its timeline says that the platform has not recorded (a
 * missed or delayed webhook: a COMPLETED charge is confirmed exactly as its webhook would confirm it).
 * Bounded: claiming the refresh is one UPDATE of `refreshed_at`, so concurrent readers make one call per
 * interval. Returns null when nothing was asked (fresh, final, Mock, or unknown); Commerce errors propagate
 * to the caller, which answers with the stored state.
 */
export async function refreshCommerceCharge(
  db: TDbExecutor,
  api: TCommerceApi,
  code: string,
  now: Date = new Date(),
): Promise<TAppliedChargeStatus | null> {
  const claimed = await db
    .updateTable('commerce_charges')
    .set({ refreshed_at: now })
    .where('code', '=', code)
    .where('source', '=', 'COMMERCE')
    .where('status', 'not in', [...FINAL_STATUSES])
    .where((eb) =>
      eb.or([
        eb('refreshed_at', 'is', null),
        eb('refreshed_at', '<', new Date(now.getTime() - CHARGE_REFRESH_AFTER_MS)),
      ]),
    )
    .returning('code')
    .executeTakeFirst();
  if (!claimed) return null;
  const remote = await api.getCharge(code);
  const latest = remote.timeline.at(-1);
  const status = latest ? chargeStatusOfTimeline(latest.status) : null;
  if (!latest || status === null) return null;
  return await db.transaction().execute(async (tx) => {
    const charge = await tx
      .selectFrom('commerce_charges')
      .selectAll()
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (charge.status === status) return null;
    return await applyChargeStatus(tx, charge, status, {
      cause: 'refresh',
      occurredAt: latest.time,
      details: { timelineStatus: latest.status },
    });
  });
}
