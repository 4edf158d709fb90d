import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { ACCOUNTS, affiliatePayableAccount } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { verifyLedgerSince } from './verify-ledger-since';

const AFFILIATE = '00000000-0000-4000-8000-0000000000af';

describe('verifyLedgerSince: affiliate payables', () => {
  let test: TTestDatabase;
  beforeAll(async () => {
    test = await openTestPglite();
  });
  afterAll(async () => test?.cleanup());

  it('reports a payable the ledger owes an affiliate without commissions behind it (compared by uuid)', async () => {
    const { db } = test.database;
    const clean = await verifyLedgerSince(db, DEFAULT_PROGRAM_ID, null, 3_600_000);
    expect(clean.payableMismatches).toEqual([]);
    // A commission booked in the ledger with no commission row: the payable says 25, the commissions 0.
    await postLedgerTransaction(db, {
      programId: DEFAULT_PROGRAM_ID,
      reference: 'commission:without-a-row',
      kind: 'commission',
      entries: [
        { account: ACCOUNTS.commissionExpense, currency: 'USD', amount: 25n },
        { account: affiliatePayableAccount(AFFILIATE), currency: 'USD', amount: -25n },
      ],
    });
    const report = await verifyLedgerSince(db, DEFAULT_PROGRAM_ID, null, 3_600_000);
    expect(report.touchedAffiliates).toBe(1);
    expect(report.payableMismatches).toEqual([
      expect.objectContaining({ affiliateId: AFFILIATE, ledgerBalance: -25n, expectedBalance: 0n }),
    ]);
    expect(report.balanced).toBe(false);
  });
});
