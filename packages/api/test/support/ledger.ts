import type { TDb } from '../../src/db/client';

/**
 * The entries of a revenue settlement's ledger transaction `settlement:<id>`, by currency then account.
 *
 * @example
 * expect(await settlementLedgerEntries(db, id)).toEqual([{ account: 'revenue', currency: 'USD', amount: -5n }, ...]);
 */
export async function settlementLedgerEntries(db: TDb, settlementId: string) {
  return await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .select(['e.account', 'e.currency', 'e.amount'])
    .where('t.reference', '=', `settlement:${settlementId}`)
    .orderBy('e.currency')
    .orderBy('e.account')
    .execute();
}
