import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import type { TCurrency } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';
import { affiliatePayableAccount, COMMISSION_CURRENCY } from './accounts';

export type TAccountBalance = { account: string; currency: TCurrency; balance: bigint; entryCount: number };

/**
 * Balance of one account in one currency: the sum of its entries (debits positive, credits negative),
 * optionally as of a past time (entries created at or before `asOf`). An index-only scan of
 * ledger_entries_balance_idx; no balance row is kept, so writers never contend on one.
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
  let select = db
    .selectFrom('ledger_entries')
    .select(sql<bigint>`coalesce(sum(amount), 0)`.as('balance'))
    .where('program_id', '=', query.programId)
    .where('account', '=', query.account)
    .where('currency', '=', query.currency);
  if (query.asOf) select = select.where('created_at', '<=', query.asOf);
  const row = await select.executeTakeFirstOrThrow();
  return row.balance;
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
 * currency of an account is on the same page.
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
  const asOf = query.asOf ? sql`AND created_at <= ${query.asOf}` : sql``;
  const account = query.account ? sql`AND account = ${query.account}` : sql``;
  const currency = query.currency ? sql`AND currency = ${query.currency}` : sql``;
  const after = query.afterAccount ? sql`AND account > ${query.afterAccount}` : sql``;
  // The page's accounts by a loose index scan of ledger_entries_account_idx: each step seeks the next account
  // name (one index descent), so a page costs `limit` descents however many entries each account has; a
  // SELECT DISTINCT would read every entry of the program.
  const result = await sql<{ account: string; currency: TCurrency; balance: bigint; entry_count: number }>`
    WITH RECURSIVE names(account) AS (
      (SELECT account FROM ledger_entries
        WHERE program_id = ${query.programId} ${asOf} ${account} ${currency} ${after}
        ORDER BY account LIMIT 1)
      UNION ALL
      SELECT (SELECT account FROM ledger_entries
               WHERE program_id = ${query.programId} AND account > names.account ${asOf} ${account} ${currency}
               ORDER BY account LIMIT 1)
        FROM names WHERE names.account IS NOT NULL
    ), page AS (
      SELECT account FROM names WHERE account IS NOT NULL LIMIT ${query.limit}
    )
    SELECT account, currency, sum(amount) AS balance, count(*)::int8 AS entry_count
      FROM ledger_entries
     WHERE program_id = ${query.programId} AND account IN (SELECT account FROM page) ${asOf} ${currency}
     GROUP BY account, currency
     ORDER BY account, currency`.execute(db);
  return result.rows.map((row) => ({
    account: row.account,
    currency: row.currency,
    balance: row.balance,
    entryCount: row.entry_count,
  }));
}
