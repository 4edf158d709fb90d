import type { TAffiliateProfile } from '@sge/shared';
import { DEFAULT_PROGRAM_ID } from '@sge/shared';
import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';
import { getAffiliatePayableBalance } from '../ledger/get-balances';
import type { TAffiliate } from './register-affiliate';

export type TAffiliateBalances = TAffiliateProfile['balances'];

/**
 * The link an affiliate shares: the app's register page with `?ref=CODE` (and the program when it is not
 * the default one).
 */
export function referralLink(appOrigin: string, affiliate: Pick<TAffiliate, 'code' | 'program_id'>): string {
  const url = new URL('/', appOrigin);
  url.searchParams.set('ref', affiliate.code);
  if (affiliate.program_id !== DEFAULT_PROGRAM_ID) url.searchParams.set('programId', affiliate.program_id);
  return url.toString();
}

/** Commission totals per status, open clawbacks and the ledger's payable balance of one affiliate. */
export async function affiliateBalances(db: TDbExecutor, affiliate: TAffiliate): Promise<TAffiliateBalances> {
  const sums = await db
    .selectFrom('commissions')
    .select([
      sql<bigint>`coalesce(sum(amount) FILTER (WHERE status = 'ACCRUED'), 0)`.as('accrued'),
      sql<bigint>`coalesce(sum(amount) FILTER (WHERE status = 'PAYABLE'), 0)`.as('payable'),
      sql<bigint>`coalesce(sum(amount) FILTER (WHERE status = 'PAID'), 0)`.as('paid'),
    ])
    .where('affiliate_id', '=', affiliate.id)
    .executeTakeFirstOrThrow();
  const clawbacks = await db
    .selectFrom('commission_clawbacks')
    .select(sql<bigint>`coalesce(sum(amount), 0)`.as('open'))
    .where('affiliate_id', '=', affiliate.id)
    .where('status', '=', 'OPEN')
    .executeTakeFirstOrThrow();
  const ledger = await getAffiliatePayableBalance(db, affiliate.program_id, affiliate.id);
  return {
    accrued: sums.accrued.toString(),
    payable: sums.payable.toString(),
    paid: sums.paid.toString(),
    clawbacksOpen: clawbacks.open.toString(),
    owed: (-ledger).toString(),
  };
}

/** An affiliate's own view of itself: profile, referral link, referrals and balances. */
export async function getAffiliateProfile(
  db: TDbExecutor,
  affiliate: TAffiliate,
  appOrigin: string,
): Promise<TAffiliateProfile> {
  const parent = affiliate.parent_id
    ? await db
        .selectFrom('affiliates')
        .select('code')
        .where('id', '=', affiliate.parent_id)
        .executeTakeFirst()
    : undefined;
  const referrals = await db
    .selectFrom('users')
    .select(sql<number>`count(*)::int8`.as('n'))
    .where('referred_by_affiliate_id', '=', affiliate.id)
    .executeTakeFirstOrThrow();
  return {
    id: affiliate.id,
    programId: affiliate.program_id,
    wallet: affiliate.wallet,
    code: affiliate.code,
    parentCode: parent?.code ?? null,
    depth: affiliate.depth,
    status: affiliate.status,
    referralLink: referralLink(appOrigin, affiliate),
    referrals: referrals.n,
    balances: await affiliateBalances(db, affiliate),
    termsSignedAt: affiliate.terms_signed_at?.toISOString() ?? null,
    createdAt: affiliate.created_at.toISOString(),
  };
}
