import { affiliateTermsMessage, DEFAULT_PROGRAM_ID } from '@sge/shared';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey } from '../../config/load-config';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { findAffiliateByWallet } from './lookup-affiliate';
import { insertAffiliate, type TAffiliate } from './register-affiliate';

/**
 * Mock mode's demo affiliates, so referral codes work at once: ALPHA, BETA (child of ALPHA) and GAMMA
 * (child of BETA) in the default program. Their wallets are anvil's development accounts #6, #7 and #8
 * (public keys of the published test mnemonic), so the dev wallet can sign in as any of them.
 */
export const DEMO_AFFILIATES = [
  { code: 'ALPHA', parentCode: null, accountIndex: 6 },
  { code: 'BETA', parentCode: 'ALPHA', accountIndex: 7 },
  { code: 'GAMMA', parentCode: 'BETA', accountIndex: 8 },
] as const;

export type TSeedDemoAffiliatesResult = {
  affiliates: TAffiliate[];
  /** Demo affiliates that could not be created (e.g. someone else registered the code first), and why. */
  skipped: { code: string; reason: string }[];
};

/**
 * Creates the demo affiliates when they are missing (idempotent: safe at every Mock mode start). Each signs
 * the real terms message with its development key, as a registering affiliate would. Never fails startup
 * over a demo affiliate: one that cannot be created (its code taken by another wallet) is skipped and
 * reported.
 *
 * @example
 * if (config.mockMode) await seedDemoAffiliates(database.db);
 */
export async function seedDemoAffiliates(
  db: TDbExecutor,
  programId: string = DEFAULT_PROGRAM_ID,
  /** What the demo terms are signed for: Mock mode's chain and the app's domain. */
  binding: { chainId: number; domain: string } = { chainId: 31337, domain: 'localhost:5173' },
): Promise<TSeedDemoAffiliatesResult> {
  const seeded: TAffiliate[] = [];
  const skipped: { code: string; reason: string }[] = [];
  for (const demo of DEMO_AFFILIATES) {
    const account = privateKeyToAccount(devPrivateKey(demo.accountIndex));
    const existing = await findAffiliateByWallet(db, programId, account.address);
    if (existing) {
      seeded.push(existing);
      continue;
    }
    const message = affiliateTermsMessage({
      programId,
      wallet: account.address,
      code: demo.code,
      parentCode: demo.parentCode,
      ...binding,
    });
    const signature = await account.signMessage({ message });
    try {
      const { affiliate } = await insertAffiliate(db, {
        programId,
        wallet: account.address,
        code: demo.code,
        parentCode: demo.parentCode,
        terms: { message, signature },
        requireActiveProgram: false,
      });
      seeded.push(affiliate);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      skipped.push({ code: demo.code, reason: error.message });
    }
  }
  return { affiliates: seeded, skipped };
}
