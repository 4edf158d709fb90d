import type { TLedgerEntry } from '@sge/shared';
import type { TReadDb } from '../../db/read-db';
import type { TCurrency } from '../../db/schema';
import { afterIdCursor, type TPage, toIdPage } from '../pagination';

/** Ledger entries with their transaction, newest first, filtered by account, currency, reference and time. */
export async function listLedgerEntries(
  db: TReadDb,
  query: {
    programId: string;
    account?: string | undefined;
    currency?: TCurrency | undefined;
    reference?: string | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TLedgerEntry>> {
  let select = db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .select([
      'e.id',
      'e.transaction_id',
      'e.account',
      'e.currency',
      'e.amount',
      'e.created_at',
      't.reference',
      't.kind',
      't.description',
      't.reverses_id',
    ])
    .where('e.program_id', '=', query.programId);
  if (query.account) select = select.where('e.account', '=', query.account);
  if (query.currency) select = select.where('e.currency', '=', query.currency);
  if (query.reference) select = select.where('t.reference', '=', query.reference);
  if (query.from) select = select.where('e.created_at', '>=', query.from);
  if (query.to) select = select.where('e.created_at', '<', query.to);
  const rows = await select
    .where(afterIdCursor(query.cursor, 'e.id'))
    .orderBy('e.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toIdPage(rows, query.limit, (row) => ({
    id: row.id,
    transactionId: row.transaction_id,
    reference: row.reference,
    kind: row.kind,
    description: row.description,
    reversesId: row.reverses_id,
    account: row.account,
    currency: row.currency,
    amount: row.amount.toString(),
    createdAt: row.created_at.toISOString(),
  }));
}
