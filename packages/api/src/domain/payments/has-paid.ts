import { sql } from 'kysely';
import type { TDb } from '../../db/client';
import type { TIntentType } from '../../db/schema';

/**
 * Settlement kinds that count as a payment for the gate: a confirmed Coinbase Commerce charge
 * (domain/commerce/confirm-commerce-payment.ts, provider_ref = charge code) and a payment an admin records
 * by hand (POST /api/admin/payments), which records a revenue settlement of the same kind.
 */
export const PAYMENT_SETTLEMENT_KINDS: readonly TIntentType[] = ['COMMERCE_PAYMENT'];

/**
 * Whether a wallet has a confirmed payment in a program that has not been refunded: a settlement of a
 * payment kind (a Commerce payment or a manual one) with no settlement_refunds row. The payment gate of
 * registration and claims (when programs.payment_required).
 */
export async function hasPaid(db: TDb, programId: string, wallet: string): Promise<boolean> {
  const result = await sql<{ paid: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM settlements s
       WHERE s.program_id = ${programId} AND s.wallet = ${wallet}
         AND s.kind = ANY(${PAYMENT_SETTLEMENT_KINDS}::text[])
         AND NOT EXISTS (SELECT 1 FROM settlement_refunds r WHERE r.settlement_id = s.id)
    ) AS paid`.execute(db);
  return result.rows[0]?.paid ?? false;
}
