import { LEDGER_VERIFY_PROBLEMS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import { ACCOUNTS, COMMISSION_CURRENCY, PAYOUT_CURRENCY } from './accounts';
import { incrementalLedgerFigures } from './verify-ledger-incremental';

export type TLedgerVerificationMode = 'full' | 'incremental';

export type TLedgerVerification = {
  programId: string;
  /** full: every entry recomputed; incremental: maintained balances, and what changed since `since`. */
  mode: TLedgerVerificationMode;
  /** incremental: the latest balance checkpoint; transactions and entries created from it on were checked. */
  since: Date | null;
  /** True when every check below found nothing. */
  balanced: boolean;
  checkedAt: Date;
  /** Transactions checked (full: all of the program's; incremental: those created since `since`). */
  transactionCount: number;
  entryCount: number;
  /** Sum of all entries per currency (incremental: of the maintained balances): zero in a balanced ledger. */
  totals: { currency: string; sum: bigint; entryCount: number }[];
  /** Transactions whose entries do not sum to zero in some currency (the database refuses them at commit). */
  unbalancedTransactions: { transactionId: string; reference: string; currency: string; sum: bigint }[];
  /** Transactions without entries (the database refuses them at commit). */
  emptyTransactions: { transactionId: string; reference: string }[];
  /** payout_clearing's USD and USDC balances must be equal and opposite (USD obligations settled at par). */
  payoutClearing: { usd: bigint; usdc: bigint; matches: boolean };
  /**
   * Affiliates whose payable balance differs from what their commissions and clawbacks say it must be:
   * minus the unpaid (ACCRUED and PAYABLE) commissions, plus the open clawbacks (incremental: the affiliates
   * whose payable account has entries since `since`).
   */
  payableMismatches: { affiliateId: string; ledgerBalance: bigint; expectedBalance: bigint }[];
  /**
   * Maintained balances (ledger_balances) that differ from their entries: full, from every entry;
   * incremental, for the accounts with entries since `since`, from their latest checkpoint plus those entries.
   */
  balanceMismatches: { account: string; currency: string; maintained: bigint; fromEntries: bigint }[];
};

export type TLedgerFigures = Omit<
  TLedgerVerification,
  'programId' | 'mode' | 'balanced' | 'checkedAt' | 'payoutClearing'
> & { clearing: { currency: string; sum: bigint }[] };

/**
 * Verifies a program's ledger against itself and against the commission records: every transaction
 * balanced per currency and non-empty, all entries summing to zero per currency, payout clearing at par,
 * each affiliate's payable account equal to its unpaid commissions net of open clawbacks, and the
 * maintained balances equal to their entries. Problems are listed (up to LEDGER_VERIFY_PROBLEMS_MAX each) so
 * an operator can find them.
 *
 * - `full` (the default here; the admin "full verification"): recomputes everything from every entry — a scan
 *   of the program's whole ledger (seconds at millions of entries).
 * - `incremental` (what `GET /api/admin/ledger/verify` runs): totals and clearing from the maintained balances,
 *   and the transactions, entries and accounts since the latest checkpoint (at most a day of them).
 *
 * @example
 * const report = await verifyLedger(db, programId, { mode: 'incremental' });
 * if (!report.balanced) alert(report);
 */
export async function verifyLedger(
  db: TReadDb,
  programId: string,
  options: { mode?: TLedgerVerificationMode } = {},
): Promise<TLedgerVerification> {
  const mode = options.mode ?? 'full';
  const checkedAt = new Date();
  const figures =
    mode === 'full' ? await fullLedgerFigures(db, programId) : await incrementalLedgerFigures(db, programId);
  const clearingOf = (currency: string) =>
    figures.clearing.find((row) => row.currency === currency)?.sum ?? 0n;
  const usd = clearingOf(COMMISSION_CURRENCY);
  const usdc = clearingOf(PAYOUT_CURRENCY);
  const otherClearing = figures.clearing.some(
    (row) => row.currency !== COMMISSION_CURRENCY && row.currency !== PAYOUT_CURRENCY && row.sum !== 0n,
  );
  const { clearing: _clearing, ...rest } = figures;
  const report: TLedgerVerification = {
    programId,
    mode,
    balanced: false,
    checkedAt,
    ...rest,
    payoutClearing: { usd, usdc, matches: usd + usdc === 0n && !otherClearing },
  };
  report.balanced =
    report.totals.every((row) => row.sum === 0n) &&
    report.unbalancedTransactions.length === 0 &&
    report.emptyTransactions.length === 0 &&
    report.payoutClearing.matches &&
    report.payableMismatches.length === 0 &&
    report.balanceMismatches.length === 0;
  return report;
}

/** Every figure recomputed from all of the program's entries. */
async function fullLedgerFigures(db: TReadDb, programId: string): Promise<TLedgerFigures> {
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
  const balanceMismatches = await sql<{
    account: string;
    currency: string;
    maintained: bigint;
    from_entries: bigint;
  }>`
    WITH sums AS (
      SELECT account, currency, sum(amount) AS balance, count(*) AS n
        FROM ledger_entries WHERE program_id = ${programId} GROUP BY account, currency
    )
    SELECT coalesce(s.account, b.account) AS account, coalesce(s.currency, b.currency) AS currency,
           coalesce(b.balance, 0) AS maintained, coalesce(s.balance, 0) AS from_entries
      FROM sums s
      FULL JOIN (SELECT * FROM ledger_balances WHERE program_id = ${programId}) b
        ON b.account = s.account AND b.currency = s.currency
     WHERE b.balance IS DISTINCT FROM s.balance OR b.entry_count IS DISTINCT FROM s.n
     ORDER BY 1, 2
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  // The gauge's partial sums against the entries, as one pseudo-account per currency.
  const partialSums = await db
    .selectFrom('ledger_balance_totals')
    .select(['currency', sql<bigint>`sum(balance)`.as('sum')])
    .where('program_id', '=', programId)
    .groupBy('currency')
    .execute();
  for (const currency of new Set([...partialSums, ...totals].map((row) => row.currency))) {
    const maintained = partialSums.find((row) => row.currency === currency)?.sum ?? 0n;
    const fromEntries = totals.find((row) => row.currency === currency)?.sum ?? 0n;
    if (maintained !== fromEntries)
      balanceMismatches.rows.push({
        account: 'ledger_balance_totals',
        currency,
        maintained,
        from_entries: fromEntries,
      });
  }
  return {
    since: null,
    transactionCount: transactionCount.n,
    entryCount: totals.reduce((sum, row) => sum + Number(row.entry_count), 0),
    totals: totals.map((row) => ({
      currency: row.currency,
      sum: row.sum,
      entryCount: Number(row.entry_count),
    })),
    unbalancedTransactions: unbalanced.rows.map((row) => ({
      transactionId: row.transaction_id,
      reference: row.reference,
      currency: row.currency,
      sum: row.sum,
    })),
    emptyTransactions: empty.rows.map((row) => ({ transactionId: row.id, reference: row.reference })),
    clearing: clearing.map((row) => ({ currency: row.currency, sum: row.sum })),
    payableMismatches: mismatches.rows.map((row) => ({
      affiliateId: row.affiliate_id,
      ledgerBalance: row.ledger_balance,
      expectedBalance: row.expected_balance,
    })),
    balanceMismatches: balanceMismatches.rows.map((row) => ({
      account: row.account,
      currency: row.currency,
      maintained: row.maintained,
      fromEntries: row.from_entries,
    })),
  };
}
