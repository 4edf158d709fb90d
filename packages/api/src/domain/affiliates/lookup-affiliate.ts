import type { TDbExecutor } from '../in-transaction';
import type { TAffiliate } from './register-affiliate';

/**
 * The affiliate with a referral code in a program, regardless of case (the unique index is on lower(code)),
 * or null.
 */
export async function findAffiliateByCode(
  db: TDbExecutor,
  programId: string,
  code: string,
): Promise<TAffiliate | null> {
  return (
    (await db
      .selectFrom('affiliates')
      .selectAll()
      .where('program_id', '=', programId)
      .where((eb) => eb(eb.fn('lower', ['code']), '=', code.toLowerCase()))
      .executeTakeFirst()) ?? null
  );
}

/** The affiliate of a wallet in a program, or null. `wallet` must be EIP-55 checksummed. */
export async function findAffiliateByWallet(
  db: TDbExecutor,
  programId: string,
  wallet: string,
): Promise<TAffiliate | null> {
  return (
    (await db
      .selectFrom('affiliates')
      .selectAll()
      .where('program_id', '=', programId)
      .where('wallet', '=', wallet)
      .executeTakeFirst()) ?? null
  );
}
