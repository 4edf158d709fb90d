import { createHash } from 'node:crypto';
import { assert, LEDGER_ENTRIES_PER_TRANSACTION_MAX, LEDGER_REFERENCE_LENGTH_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { TCurrency } from '../../db/schema';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { isCurrency, isLedgerAccount, type TAccount } from './accounts';

/** One line of a ledger transaction: positive amount = debit, negative = credit, never zero. */
export type TLedgerEntryInput = { account: TAccount; currency: TCurrency; amount: bigint };

export type TPostLedgerTransactionInput = {
  programId: string;
  /**
   * What the transaction records, unique per program; posting the same reference twice is a no-op when the
   * content is the same. Formats used by the platform: `settlement:<settlementId>` (revenue),
   * `commission:<commissionId>`, `reversal:<transactionId>`, `clawback:<commissionId>`, `payout:<batchId>`.
   */
  reference: string;
  /** Short lower-case category: `revenue`, `commission`, `reversal`, `clawback`, `payout`, ... */
  kind: string;
  description?: string | null;
  /** The transaction this one reverses (see reverseLedgerTransaction). */
  reversesId?: string | null;
  entries: readonly TLedgerEntryInput[];
};

export type TPostedLedgerTransaction = {
  id: string;
  reference: string;
  createdAt: Date;
  /** False when the reference already existed with the same content (nothing was written). */
  created: boolean;
};

const KIND_PATTERN = /^[a-z][a-z_]{0,63}$/;

/**
 * Posts a double-entry transaction of N entries that balance per currency.
 *
 * - Checked here first for a clear error (AppError LEDGER_UNBALANCED naming the currency and the sum);
 *   the database checks it again at COMMIT and refuses an unbalanced transaction whatever the code does.
 * - Idempotent by `reference`: the same reference with the same content (kind, reversal link and the
 *   entries in canonical order) returns the existing transaction and writes nothing; the same reference
 *   with different content is an AppError CONFLICT naming the reference.
 * - One SQL statement (header and entries in a CTE), so posting costs one round trip, and no balance row is
 *   updated: writers of the same account never wait for each other.
 *
 * Pass a transaction to post together with other changes (they commit or roll back together).
 *
 * @example
 * await postLedgerTransaction(tx, {
 *   programId, reference: `settlement:${settlementId}`, kind: 'revenue',
 *   entries: [
 *     { account: 'treasury', currency: 'USDC', amount: 100_000_000n },
 *     { account: 'revenue', currency: 'USDC', amount: -100_000_000n },
 *   ],
 * });
 */
export async function postLedgerTransaction(
  db: TDbExecutor,
  input: TPostLedgerTransactionInput,
): Promise<TPostedLedgerTransaction> {
  const [posted] = await postLedgerTransactions(db, input.programId, [input]);
  return posted!;
}

/**
 * Posts several transactions of one program in ONE statement (same rules as postLedgerTransaction, each
 * transaction balanced and idempotent on its own). Used where one event makes several transactions, e.g.
 * the commissions of one settlement, one per level, so that each can be reversed alone.
 */
export async function postLedgerTransactions(
  db: TDbExecutor,
  programId: string,
  inputs: readonly TPostLedgerTransactionInput[],
): Promise<TPostedLedgerTransaction[]> {
  if (inputs.length === 0) return [];
  const references = new Set<string>();
  for (const input of inputs) {
    if (input.programId !== programId)
      throw new Error(`ledger transaction ${input.reference} is not in ${programId}`);
    if (references.has(input.reference))
      throw new Error(`ledger reference ${input.reference} is posted twice`);
    references.add(input.reference);
    validateLedgerTransaction(input);
  }
  const hashes = inputs.map(ledgerContentHash);
  const lines = inputs.flatMap((input) =>
    input.entries.map((entry) => ({ reference: input.reference, ...entry })),
  );
  const single = inputs.length === 1 ? inputs[0]! : null;
  // One transaction (the common case) gets a simpler statement, which PostgreSQL plans faster.
  const inserted = single
    ? await sql<{ id: string; reference: string; created_at: Date }>`
    WITH header AS (
      INSERT INTO ledger_transactions (program_id, reference, kind, description, content_hash, reverses_id)
      VALUES (${programId}, ${single.reference}, ${single.kind}, ${single.description ?? null}, ${hashes[0]!},
              ${single.reversesId ?? null})
      ON CONFLICT (program_id, reference) DO NOTHING
      RETURNING id, reference, created_at
    ), entries AS (
      INSERT INTO ledger_entries (transaction_id, program_id, account, currency, amount)
      SELECT header.id, ${programId}::uuid, line.account, line.currency, line.amount
        FROM header,
             unnest(${lines.map((l) => l.account)}::text[],
                    ${lines.map((l) => l.currency)}::text[],
                    ${lines.map((l) => l.amount.toString())}::numeric[]) AS line(account, currency, amount)
    )
    SELECT id, reference, created_at FROM header`.execute(db)
    : await sql<{ id: string; reference: string; created_at: Date }>`
    WITH header AS (
      INSERT INTO ledger_transactions (program_id, reference, kind, description, content_hash, reverses_id)
      SELECT ${programId}::uuid, t.reference, t.kind, t.description, t.content_hash, t.reverses_id
        FROM unnest(${inputs.map((i) => i.reference)}::text[],
                    ${inputs.map((i) => i.kind)}::text[],
                    ${inputs.map((i) => i.description ?? null)}::text[],
                    ${hashes}::text[],
                    ${inputs.map((i) => i.reversesId ?? null)}::uuid[])
             WITH ORDINALITY AS t(reference, kind, description, content_hash, reverses_id, ord)
       ORDER BY t.ord
      ON CONFLICT (program_id, reference) DO NOTHING
      RETURNING id, reference, created_at
    ), entries AS (
      INSERT INTO ledger_entries (transaction_id, program_id, account, currency, amount)
      SELECT header.id, ${programId}::uuid, line.account, line.currency, line.amount
        FROM unnest(${lines.map((l) => l.reference)}::text[],
                    ${lines.map((l) => l.account)}::text[],
                    ${lines.map((l) => l.currency)}::text[],
                    ${lines.map((l) => l.amount.toString())}::numeric[])
             WITH ORDINALITY AS line(reference, account, currency, amount, ord)
        JOIN header ON header.reference = line.reference
       ORDER BY line.ord
    )
    SELECT id, reference, created_at FROM header`.execute(db);
  const created = new Map(inserted.rows.map((row) => [row.reference, row]));
  const missing = inputs.filter((input) => !created.has(input.reference)).map((input) => input.reference);
  const existing =
    missing.length === 0
      ? []
      : await db
          .selectFrom('ledger_transactions')
          .select(['id', 'reference', 'content_hash', 'created_at'])
          .where('program_id', '=', programId)
          .where('reference', 'in', missing)
          .execute();
  const existingByReference = new Map(existing.map((row) => [row.reference, row]));
  return inputs.map((input, index) => {
    const row = created.get(input.reference);
    if (row)
      return { id: row.id, reference: input.reference, createdAt: new Date(row.created_at), created: true };
    const found = existingByReference.get(input.reference);
    assert(found, `ledger reference ${input.reference} was neither inserted nor found`);
    if (found.content_hash !== hashes[index]) {
      throw new AppError(
        'CONFLICT',
        `ledger reference "${input.reference}" is already posted with different content; a correction is a reversal`,
        { details: { reference: input.reference, transactionId: found.id } },
      );
    }
    return { id: found.id, reference: input.reference, createdAt: found.created_at, created: false };
  });
}

/**
 * Checks a transaction before it is written: known accounts and currencies, non-zero amounts, a sane size,
 * and entries that sum to zero in every currency.
 *
 * @throws AppError LEDGER_UNBALANCED or VALIDATION_FAILED.
 */
export function validateLedgerTransaction(input: TPostLedgerTransactionInput): void {
  const { reference, entries } = input;
  if (reference.length === 0 || reference.length > LEDGER_REFERENCE_LENGTH_MAX) {
    throw new AppError(
      'VALIDATION_FAILED',
      `ledger reference must be 1-${LEDGER_REFERENCE_LENGTH_MAX} characters`,
    );
  }
  if (!KIND_PATTERN.test(input.kind)) {
    throw new AppError('VALIDATION_FAILED', `ledger kind "${input.kind}" must match ${KIND_PATTERN}`);
  }
  if (entries.length < 2 || entries.length > LEDGER_ENTRIES_PER_TRANSACTION_MAX) {
    throw new AppError(
      'LEDGER_UNBALANCED',
      `ledger transaction "${reference}" has ${entries.length} entries; it needs 2 to ${LEDGER_ENTRIES_PER_TRANSACTION_MAX}`,
    );
  }
  const sums = new Map<string, bigint>();
  for (const [index, entry] of entries.entries()) {
    if (!isLedgerAccount(entry.account)) {
      throw new AppError('VALIDATION_FAILED', `entry ${index}: unknown ledger account "${entry.account}"`);
    }
    if (!isCurrency(entry.currency)) {
      throw new AppError('VALIDATION_FAILED', `entry ${index}: unknown currency "${entry.currency}"`);
    }
    if (typeof entry.amount !== 'bigint' || entry.amount === 0n) {
      throw new AppError('VALIDATION_FAILED', `entry ${index}: amount must be a non-zero bigint`);
    }
    sums.set(entry.currency, (sums.get(entry.currency) ?? 0n) + entry.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) {
      throw new AppError(
        'LEDGER_UNBALANCED',
        `ledger transaction "${reference}" is unbalanced in ${currency}: entries sum to ${sum}`,
        { details: { reference, currency, sum: sum.toString() } },
      );
    }
  }
}

/**
 * SHA-256 of what makes a transaction the same transaction: kind, reversal link and the entries in a
 * canonical order (by account, currency, amount), so that the same lines listed in another order hash
 * alike. The description is free text and not part of it.
 */
export function ledgerContentHash(input: TPostLedgerTransactionInput): string {
  const lines = input.entries
    .map((entry) => `${entry.account}|${entry.currency}|${entry.amount.toString()}`)
    .sort();
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, kind: input.kind, reversesId: input.reversesId ?? null, lines }))
    .digest('hex');
}
