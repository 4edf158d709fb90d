import type { ZAdminUser } from '@sge/shared';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import { listNewestFirst } from '../list-page';
import type { TPage } from '../pagination';

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
  return await listNewestFirst(db.selectFrom('users').selectAll(), {
    filters: {
      program_id: query.programId,
      wallet: query.wallet,
      referred_by_affiliate_id: query.referredBy,
      claim_status: query.claimStatus,
    },
    limit: query.limit,
    cursor: query.cursor,
    view: (row) => ({
      id: row.id,
      programId: row.program_id,
      wallet: row.wallet,
      referredByAffiliateId: row.referred_by_affiliate_id,
      tokenId: row.token_id === null ? null : row.token_id.toString(),
      registeredAt: row.registered_at?.toISOString() ?? null,
      claimStatus: row.claim_status,
      claimedAt: row.claimed_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
    }),
  });
}
