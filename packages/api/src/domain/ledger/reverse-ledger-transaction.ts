import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import type { TAccount } from './accounts';
import { postLedgerTransaction, type TPostedLedgerTransaction } from './post-ledger-transaction';

/**
 * Reverses a posted transaction: a new transaction with every entry negated, linked by `reverses_id`.
 * Entries are never changed or deleted; this is how a correction is made. A transaction is reversed at
 * most once (the database has a unique index on reverses_id): reversing it again with the same reference
 * returns the existing reversal, with another reference it is an AppError CONFLICT.
 *
 * @example
 * await reverseLedgerTransaction(tx, { programId, transactionId, description: 'refund of settlement …' });
 */
export async function reverseLedgerTransaction(
  db: TDbExecutor,
  input: {
    programId: string;
    transactionId: string;
    /** Default `reversal:<transactionId>`. */
    reference?: string;
    kind?: string;
    description?: string | null;
  },
): Promise<TPostedLedgerTransaction> {
  const original = await db
    .selectFrom('ledger_transactions')
    .select(['id', 'reference'])
    .where('id', '=', input.transactionId)
    .where('program_id', '=', input.programId)
    .executeTakeFirst();
  if (!original) {
    throw new AppError('NOT_FOUND', `ledger transaction ${input.transactionId} not found in this program`);
  }
  const reference = input.reference ?? `reversal:${original.id}`;
  const existingReversal = await db
    .selectFrom('ledger_transactions')
    .select(['id', 'reference'])
    .where('reverses_id', '=', original.id)
    .executeTakeFirst();
  if (existingReversal && existingReversal.reference !== reference) {
    throw new AppError(
      'CONFLICT',
      `ledger transaction "${original.reference}" is already reversed by "${existingReversal.reference}"`,
      { details: { transactionId: original.id, reversalId: existingReversal.id } },
    );
  }
  const entries = await db
    .selectFrom('ledger_entries')
    .select(['account', 'currency', 'amount'])
    .where('transaction_id', '=', original.id)
    .orderBy('id')
    .execute();
  return await postLedgerTransaction(db, {
    programId: input.programId,
    reference,
    kind: input.kind ?? 'reversal',
    description: input.description ?? `reversal of ${original.reference}`,
    reversesId: original.id,
    entries: entries.map((entry) => ({
      account: entry.account as TAccount,
      currency: entry.currency,
      amount: -entry.amount,
    })),
  });
}
