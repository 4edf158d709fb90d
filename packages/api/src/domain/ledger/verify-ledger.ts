import { LEDGER_VERIFY_PROBLEMS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import { ACCOUNTS, COMMISSION_CURRENCY, PAYOUT_CURRENCY } from './accounts';

export type TLedgerVerification = {
  programId: string;
  /** True when every check below found nothing. */
  balanced: boolean;
  checkedAt: Date;
  transactionCount: number;
  entryCount: number;
  /** Sum of all entries per currency: zero in a balanced ledger. */
  totals: { currency: string; sum: bigint; entryCount: number }[];
  /** Transactions whose entries do not sum to zero in some currency (the database refuses them at commit). */
  unbalancedTransactions: { transactionId: string; reference: string; currency: string; sum: bigint }[];
  /** Transactions without entries (the database refuses them at commit). */
  emptyTransactions: { transactionId: string; reference: string }[];
  /** payout_clearing's USD and USDC balances must be equal and opposite (USD obligations settled at par). */
  payoutClearing: { usd: bigint; usdc: bigint; matches: boolean };
  /**
   * Affiliates whose payable balance differs from what their commissions and clawbacks say it must be:
   * minus the unpaid (ACCRUED and PAYABLE) commissions, plus the open clawbacks.
   */
  payableMismatches: { affiliateId: string; ledgerBalance: bigint; expectedBalance: bigint }[];
};

/**
 * Verifies a program's ledger against itself and against the commission records: every transaction
 * balanced per currency and non-empty, all entries summing to zero per currency, payout clearing at par,
 * and each affiliate's payable account equal to its unpaid commissions net of open clawbacks. Problems are
 * listed (up to LEDGER_VERIFY_PROBLEMS_MAX each) so an operator can find them.
 *
 * @example
 * const report = await verifyLedger(db, programId);
 * if (!report.balanced) alert(report);
 */
export async function verifyLedger(db: TReadDb, programId: string): Promise<TLedgerVerification> {
  const checkedAt = new Date();
  const totals = await db
    .selectFrom('ledger_entries')
    .select(['currency', sql<bigint>`sum(amount)`.as('sum'), sql<number>`count(*)::int8`.as('entry_count')])
    .where('program_id', '=', programId)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const transactionCount = await db
    .selectFrom('ledger_transactions')
    .select(sql<number>`count(*)::int8`.as('n'))
    .where('program_id', '=', programId)
    .executeTakeFirstOrThrow();
  const unbalanced = await sql<{ transaction_id: string; reference: string; currency: string; sum: bigint }>`
    SELECT e.transaction_id, t.reference, e.currency, sum(e.amount) AS sum
      FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
     WHERE e.program_id = ${programId}
     GROUP BY e.transaction_id, t.reference, e.currency
    HAVING sum(e.amount) <> 0
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  const empty = await sql<{ id: string; reference: string }>`
    SELECT t.id, t.reference FROM ledger_transactions t
     WHERE t.program_id = ${programId}
       AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  const clearing = await db
    .selectFrom('ledger_entries')
    .select(['currency', sql<bigint>`sum(amount)`.as('sum')])
    .where('program_id', '=', programId)
    .where('account', '=', ACCOUNTS.payoutClearing)
    .groupBy('currency')
    .execute();
  const clearingOf = (currency: string) => clearing.find((row) => row.currency === currency)?.sum ?? 0n;
  const usd = clearingOf(COMMISSION_CURRENCY);
  const usdc = clearingOf(PAYOUT_CURRENCY);
  const otherClearing = clearing.some(
    (row) => row.currency !== COMMISSION_CURRENCY && row.currency !== PAYOUT_CURRENCY && row.sum !== 0n,
  );

  const mismatches = await sql<{ affiliate_id: string; ledger_balance: bigint; expected_balance: bigint }>`
    WITH ledger AS (
      SELECT split_part(account, ':', 2) AS affiliate_id, sum(amount) AS balance
        FROM ledger_entries
       WHERE program_id = ${programId} AND account LIKE 'affiliate:%:payable' AND currency = ${COMMISSION_CURRENCY}
       GROUP BY account
    ), expected AS (
      SELECT affiliate_id::text AS affiliate_id, sum(balance) AS balance FROM (
        SELECT affiliate_id, -amount AS balance FROM commissions
         WHERE program_id = ${programId} AND status IN ('ACCRUED', 'PAYABLE')
        UNION ALL
        SELECT affiliate_id, amount FROM commission_clawbacks
         WHERE program_id = ${programId} AND status = 'OPEN'
      ) parts GROUP BY affiliate_id
    )
    SELECT coalesce(l.affiliate_id, e.affiliate_id) AS affiliate_id,
           coalesce(l.balance, 0) AS ledger_balance, coalesce(e.balance, 0) AS expected_balance
      FROM ledger l FULL JOIN expected e ON e.affiliate_id = l.affiliate_id
     WHERE coalesce(l.balance, 0) <> coalesce(e.balance, 0)
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);

  const report: TLedgerVerification = {
    programId,
    balanced: false,
    checkedAt,
    transactionCount: transactionCount.n,
    entryCount: totals.reduce((sum, row) => sum + row.entry_count, 0),
    totals: totals.map((row) => ({ currency: row.currency, sum: row.sum, entryCount: row.entry_count })),
    unbalancedTransactions: unbalanced.rows.map((row) => ({
      transactionId: row.transaction_id,
      reference: row.reference,
      currency: row.currency,
      sum: row.sum,
    })),
    emptyTransactions: empty.rows.map((row) => ({ transactionId: row.id, reference: row.reference })),
    payoutClearing: { usd, usdc, matches: usd + usdc === 0n && !otherClearing },
    payableMismatches: mismatches.rows.map((row) => ({
      affiliateId: row.affiliate_id,
      ledgerBalance: row.ledger_balance,
      expectedBalance: row.expected_balance,
    })),
  };
  report.balanced =
    report.totals.every((row) => row.sum === 0n) &&
    report.unbalancedTransactions.length === 0 &&
    report.emptyTransactions.length === 0 &&
    report.payoutClearing.matches &&
    report.payableMismatches.length === 0;
  return report;
}
