import { EXPORT_ROWS_MAX, STATEMENT_RANGE_DAYS_MAX, type TAffiliateStatement } from '@sge/shared';
import { sql } from 'kysely';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { affiliatePayableAccount, COMMISSION_CURRENCY } from '../ledger/accounts';
import { resolveDateRange } from './date-range';
import type { TAffiliate } from './register-affiliate';

/**
 * An affiliate's statement for a range of UTC days: every entry of its payable account (commissions
 * accrued, cancelled, clawed back, paid out) from the affiliate's point of view (positive = the program
 * owes more), with opening, running and closing balances. Straight from the ledger, so it always agrees
 * with the books.
 *
 * @throws AppError VALIDATION_FAILED when the range holds more than EXPORT_ROWS_MAX entries.
 */
export async function affiliateStatement(
  db: TDbExecutor,
  affiliate: TAffiliate,
  query: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): Promise<TAffiliateStatement> {
  const range = resolveDateRange(query, STATEMENT_RANGE_DAYS_MAX, now);
  const account = affiliatePayableAccount(affiliate.id);
  const opening = await db
    .selectFrom('ledger_entries')
    .select(sql<bigint>`coalesce(sum(amount), 0)`.as('balance'))
    .where('program_id', '=', affiliate.program_id)
    .where('account', '=', account)
    .where('currency', '=', COMMISSION_CURRENCY)
    .where('created_at', '<', range.startAt)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .select(['e.id', 'e.amount', 'e.created_at', 't.reference', 't.kind', 't.description'])
    .where('e.program_id', '=', affiliate.program_id)
    .where('e.account', '=', account)
    .where('e.currency', '=', COMMISSION_CURRENCY)
    .where('e.created_at', '>=', range.startAt)
    .where('e.created_at', '<', range.endBefore)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(EXPORT_ROWS_MAX + 1)
    .execute();
  if (rows.length > EXPORT_ROWS_MAX) {
    throw new AppError(
      'VALIDATION_FAILED',
      `querystring.from: the range holds more than ${EXPORT_ROWS_MAX} entries; choose a shorter one`,
      { details: { field: 'querystring.from' } },
    );
  }
  // The ledger's balance is credit-negative; the affiliate reads what it is owed.
  let balance = -opening.balance;
  const openingBalance = balance;
  const lines = rows.map((row) => {
    const amount = -row.amount;
    balance += amount;
    return {
      at: row.created_at.toISOString(),
      reference: row.reference,
      kind: row.kind,
      description: row.description,
      amount: amount.toString(),
      balance: balance.toString(),
    };
  });
  return {
    affiliateId: affiliate.id,
    code: affiliate.code,
    currency: COMMISSION_CURRENCY,
    from: range.from,
    to: range.to,
    openingBalance: openingBalance.toString(),
    closingBalance: balance.toString(),
    lines,
  };
}
