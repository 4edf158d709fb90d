import type { ZAdminUser } from '@sge/shared';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';

export type TAdminUser = z.infer<typeof ZAdminUser>;

/** Users, newest first, filtered by program, wallet, referrer and claim state. */
export async function listUsers(
  db: TReadDb,
  query: {
    programId: string | null;
    wallet?: string | undefined;
    referredBy?: string | undefined;
    claimStatus?: 'UNCLAIMED' | 'CLAIMED' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TAdminUser>> {
  let select = db.selectFrom('users').selectAll().select(createdMicros().as('cursor_us'));
  if (query.programId) select = select.where('program_id', '=', query.programId);
  if (query.wallet) select = select.where('wallet', '=', query.wallet);
  if (query.referredBy) select = select.where('referred_by_affiliate_id', '=', query.referredBy);
  if (query.claimStatus) select = select.where('claim_status', '=', query.claimStatus);
  const rows = await select
    .where(afterCreatedCursor(query.cursor))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, (row) => ({
    id: row.id,
    programId: row.program_id,
    wallet: row.wallet,
    referredByAffiliateId: row.referred_by_affiliate_id,
    tokenId: row.token_id === null ? null : row.token_id.toString(),
    registeredAt: row.registered_at?.toISOString() ?? null,
    claimStatus: row.claim_status,
    claimedAt: row.claimed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  }));
}
