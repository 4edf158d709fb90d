import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import type { TCurrency } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';
import { affiliatePayableAccount, COMMISSION_CURRENCY } from './accounts';

export type TAccountBalance = { account: string; currency: TCurrency; balance: bigint; entryCount: number };

/**
 * Balance of one account in one currency (debits positive, credits negative), optionally as of a past time
 * (entries created at or before `asOf`). Never a sum over the account's history (migration 0013):
 * - now: the maintained ledger_balances row, plus this database transaction's own entries not yet applied
 *   (they are applied at COMMIT), so a use case that posts and then reads in one transaction sees its posting;
 * - as of a time: the nearest daily checkpoint at or before it plus the entries after it (under a day's).
 *
 * An entry's time is its database transaction's start time, so a balance as of a moment a few
 * milliseconds ago can still change while transactions that started before it commit.
 *
 * @example
 * const owed = -(await getAccountBalance(db, { programId, account: affiliatePayableAccount(id), currency: 'USD' }));
 */
export async function getAccountBalance(
  db: TDbExecutor,
  query: { programId: string; account: string; currency: TCurrency; asOf?: Date | null },
): Promise<bigint> {
  const { programId, account, currency } = query;
  if (query.asOf) {
    const result = await sql<{ balance: bigint }>`
      SELECT balance FROM ledger_balance_as_of(${programId}, ${account}, ${currency}, ${query.asOf})`.execute(
      db,
    );
    return result.rows[0]?.balance ?? 0n;
  }
  const result = await sql<{ balance: bigint }>`
    SELECT coalesce((SELECT balance FROM ledger_balances
                      WHERE program_id = ${programId} AND account = ${account} AND currency = ${currency}), 0)
         + coalesce((SELECT sum(e.amount) FROM ledger_open_transactions o
                       JOIN ledger_entries e ON e.transaction_id = o.id
                      WHERE o.xid = pg_current_xact_id_if_assigned()
                        AND e.program_id = ${programId} AND e.account = ${account} AND e.currency = ${currency}), 0)
           AS balance`.execute(db);
  return result.rows[0]!.balance;
}

/** An affiliate's payable balance in USD: negative while the program owes, positive after a clawback. */
export async function getAffiliatePayableBalance(
  db: TDbExecutor,
  programId: string,
  affiliateId: string,
  asOf?: Date | null,
): Promise<bigint> {
  return await getAccountBalance(db, {
    programId,
    account: affiliatePayableAccount(affiliateId),
    currency: COMMISSION_CURRENCY,
    asOf: asOf ?? null,
  });
}

/**
 * Balances of every account of a program (per currency), optionally as of a past time, in account order,
 * `limit` accounts at a time; `afterAccount` continues after the last account of the previous page. Every
 * currency of an account is on the same page. Read from the maintained balances (an index range of
 * ledger_balances' primary key), as of a time from checkpoints; an account without entries at that time is
 * left out. Committed postings only (an admin read).
 */
export async function listAccountBalances(
  db: TReadDb,
  query: {
    programId: string;
    asOf?: Date | null;
    account?: string | null;
    currency?: TCurrency | null;
    afterAccount?: string | null;
    limit: number;
  },
): Promise<TAccountBalance[]> {
  const account = query.account ? sql`AND b.account = ${query.account}` : sql``;
  const currency = query.currency ? sql`AND b.currency = ${query.currency}` : sql``;
  const after = query.afterAccount ? sql`AND b.account > ${query.afterAccount}` : sql``;
  // The page of accounts first (the primary key's order, stopping at `limit`), then their figures.
  const result = query.asOf
    ? await sql<{ account: string; currency: TCurrency; balance: bigint; entry_count: number }>`
    WITH page AS (
      SELECT DISTINCT b.account FROM ledger_balances b
       CROSS JOIN LATERAL ledger_balance_as_of(b.program_id, b.account, b.currency, ${query.asOf}) f
       WHERE b.program_id = ${query.programId} ${account} ${currency} ${after} AND f.entry_count > 0
       ORDER BY b.account LIMIT ${query.limit}
    )
    SELECT b.account, b.currency, f.balance, f.entry_count
      FROM ledger_balances b
     CROSS JOIN LATERAL ledger_balance_as_of(b.program_id, b.account, b.currency, ${query.asOf}) f
     WHERE b.program_id = ${query.programId} AND b.account IN (SELECT account FROM page) ${currency}
       AND f.entry_count > 0
     ORDER BY b.account, b.currency`.execute(db)
    : await sql<{ account: string; currency: TCurrency; balance: bigint; entry_count: number }>`
    WITH page AS (
      SELECT DISTINCT b.account FROM ledger_balances b
       WHERE b.program_id = ${query.programId} ${account} ${currency} ${after}
       ORDER BY b.account LIMIT ${query.limit}
    )
    SELECT b.account, b.currency, b.balance, b.entry_count
      FROM ledger_balances b
     WHERE b.program_id = ${query.programId} AND b.account IN (SELECT account FROM page) ${currency}
     ORDER BY b.account, b.currency`.execute(db);
  return result.rows.map((row) => ({
    account: row.account,
    currency: row.currency,
    balance: row.balance,
    entryCount: Number(row.entry_count),
  }));
}
