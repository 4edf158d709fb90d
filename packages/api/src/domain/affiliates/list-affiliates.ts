import type { ZAdminAffiliate, ZAdminAffiliateDetail } from '@sge/shared';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { listNewestFirst } from '../list-page';
import type { TPage } from '../pagination';
import { affiliateBalances } from './affiliate-profile';
import type { TAffiliate } from './register-affiliate';

export type TAdminAffiliate = z.infer<typeof ZAdminAffiliate>;
export type TAdminAffiliateDetail = z.infer<typeof ZAdminAffiliateDetail>;

export function toAdminAffiliate(row: TAffiliate): TAdminAffiliate {
  return {
    id: row.id,
    programId: row.program_id,
    wallet: row.wallet,
    code: row.code,
    parentId: row.parent_id,
    depth: row.depth,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Affiliates, newest first, filtered by program, status, code (any case), wallet and parent. */
export async function listAffiliates(
  db: TReadDb,
  query: {
    programId: string | null;
    status?: TAffiliate['status'] | undefined;
    code?: string | undefined;
    wallet?: string | undefined;
    parentId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TAdminAffiliate>> {
  return await listNewestFirst(db.selectFrom('affiliates').selectAll(), {
    filters: {
      program_id: query.programId,
      status: query.status,
      wallet: query.wallet,
      parent_id: query.parentId,
    },
    where: query.code ? [sql<boolean>`lower(code) = ${query.code.toLowerCase()}`] : [],
    limit: query.limit,
    cursor: query.cursor,
    view: toAdminAffiliate,
  });
}

/** One affiliate with its parent's code, counts and balances (admin view). */
export async function getAdminAffiliate(
  db: TDbExecutor,
  affiliateId: string,
  programScope: string | null,
): Promise<TAdminAffiliateDetail> {
  let select = db.selectFrom('affiliates').selectAll().where('id', '=', affiliateId);
  if (programScope) select = select.where('program_id', '=', programScope);
  const affiliate = await select.executeTakeFirst();
  if (!affiliate) throw new AppError('NOT_FOUND', `affiliate ${affiliateId} not found`);
  const parent = affiliate.parent_id
    ? await db
        .selectFrom('affiliates')
        .select('code')
        .where('id', '=', affiliate.parent_id)
        .executeTakeFirst()
    : undefined;
  const counts = await sql<{ referrals: number; children: number }>`
    SELECT (SELECT count(*) FROM users WHERE referred_by_affiliate_id = ${affiliate.id})::int8 AS referrals,
           (SELECT count(*) FROM affiliates WHERE parent_id = ${affiliate.id})::int8 AS children`.execute(db);
  return {
    ...toAdminAffiliate(affiliate),
    parentCode: parent?.code ?? null,
    referrals: counts.rows[0]!.referrals,
    children: counts.rows[0]!.children,
    balances: await affiliateBalances(db, affiliate),
  };
}
