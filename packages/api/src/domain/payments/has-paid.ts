import { sql } from 'kysely';
import type { TDb } from '../../db/client';

/**
 * Whether a wallet has a confirmed payment (a COMMERCE_PAYMENT settlement, or one recorded manually by an
 * admin) in a program that has not been refunded. The payment gate of registration and claims.
 */
export async function hasPaid(db: TDb, programId: string, wallet: string): Promise<boolean> {
  const result = await sql<{ paid: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM settlements s
       WHERE s.program_id = ${programId} AND s.wallet = ${wallet} AND s.kind = 'COMMERCE_PAYMENT'
         AND NOT EXISTS (SELECT 1 FROM settlement_refunds r WHERE r.settlement_id = s.id)
    ) AS paid`.execute(db);
  return result.rows[0]?.paid ?? false;
}
