import { verifyMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { devPrivateKey } from '../../config/load-config';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { seedDemoAffiliates } from './seed-demo-affiliates';

describe('seedDemoAffiliates', () => {
  let test: TTestDatabase;
  beforeAll(async () => {
    test = await openTestPglite();
  });
  afterAll(async () => test.cleanup());

  it('creates ALPHA → BETA → GAMMA in the default program with dev accounts #6-#8 and real terms signatures', async () => {
    const { affiliates, skipped } = await seedDemoAffiliates(test.database.db);
    expect(skipped).toEqual([]);
    expect(affiliates.map((a) => [a.code, a.depth, a.status])).toEqual([
      ['ALPHA', 1, 'ACTIVE'],
      ['BETA', 2, 'ACTIVE'],
      ['GAMMA', 3, 'ACTIVE'],
    ]);
    const [alpha, beta, gamma] = affiliates;
    expect(beta!.parent_id).toBe(alpha!.id);
    expect(gamma!.parent_id).toBe(beta!.id);
    for (const [index, affiliate] of affiliates.entries()) {
      expect(affiliate.program_id).toBe(DEFAULT_PROGRAM_ID);
      expect(affiliate.wallet).toBe(privateKeyToAccount(devPrivateKey(6 + index)).address);
      expect(
        await verifyMessage({
          address: affiliate.wallet as `0x${string}`,
          message: affiliate.terms_message!,
          signature: affiliate.terms_signature as `0x${string}`,
        }),
      ).toBe(true);
    }
  });

  it('is idempotent', async () => {
    const again = await seedDemoAffiliates(test.database.db);
    const rows = await test.database.db.selectFrom('affiliates').select('id').execute();
    expect(rows).toHaveLength(3);
    expect(again.affiliates.map((a) => a.code)).toEqual(['ALPHA', 'BETA', 'GAMMA']);
  });
});
