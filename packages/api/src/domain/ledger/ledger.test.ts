import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { AppError } from '../app-error';
import { ACCOUNTS, affiliatePayableAccount } from './accounts';
import { getAccountBalance, listAccountBalances } from './get-balances';
import { postLedgerTransaction, type TLedgerEntryInput } from './post-ledger-transaction';
import { reverseLedgerTransaction } from './reverse-ledger-transaction';
import { verifyLedger } from './verify-ledger';

const programId = DEFAULT_PROGRAM_ID;
const sale = (amount: bigint): TLedgerEntryInput[] => [
  { account: ACCOUNTS.treasury, currency: 'USDC', amount },
  { account: ACCOUNTS.revenue, currency: 'USDC', amount: -amount },
];

describe('ledger', () => {
  let test: TTestDatabase;
  let db: TDb;
  beforeAll(async () => {
    test = await openTestPglite();
    db = test.database.db;
  });
  afterAll(async () => test.cleanup());

  it('posts a transaction balanced per currency and reports its balances', async () => {
    const posted = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:1',
      kind: 'revenue',
      entries: [
        ...sale(100_000_000n),
        { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: 2n ** 70n },
        { account: ACCOUNTS.relayer, currency: 'ETH', amount: -(2n ** 70n) },
      ],
    });
    expect(posted.created).toBe(true);
    expect(await getAccountBalance(db, { programId, account: 'treasury', currency: 'USDC' })).toBe(
      100_000_000n,
    );
    expect(await getAccountBalance(db, { programId, account: 'gas_expense', currency: 'ETH' })).toBe(
      2n ** 70n,
    );
    expect(await getAccountBalance(db, { programId, account: 'treasury', currency: 'USDT' })).toBe(0n);
  });

  it('is idempotent by reference: the same content is a no-op, in any entry order', async () => {
    const first = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:2',
      kind: 'revenue',
      entries: sale(5n),
    });
    const again = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:2',
      kind: 'revenue',
      description: 'descriptions are not content',
      entries: [...sale(5n)].reverse(),
    });
    expect(again).toEqual({ ...first, created: false });
    const entries = await db
      .selectFrom('ledger_entries')
      .select('id')
      .where('transaction_id', '=', first.id)
      .execute();
    expect(entries).toHaveLength(2);
  });

  it('refuses the same reference with different content with a CONFLICT naming the reference', async () => {
    await postLedgerTransaction(db, { programId, reference: 'sale:3', kind: 'revenue', entries: sale(7n) });
    const error = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:3',
      kind: 'revenue',
      entries: sale(8n),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"sale:3"') });
  });

  it('refuses an unbalanced transaction before writing, naming the currency and the sum', async () => {
    await expect(
      postLedgerTransaction(db, {
        programId,
        reference: 'bad:1',
        kind: 'revenue',
        entries: [
          { account: 'treasury', currency: 'USDC', amount: 10n },
          { account: 'revenue', currency: 'USDC', amount: -9n },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'LEDGER_UNBALANCED',
      message: expect.stringMatching(/unbalanced in USDC: entries sum to 1/),
    });
    await expect(
      postLedgerTransaction(db, {
        programId,
        reference: 'bad:2',
        kind: 'revenue',
        entries: [
          { account: 'treasury', currency: 'USDC', amount: 10n },
          { account: 'relayer', currency: 'ETH', amount: -10n },
        ],
      }),
    ).rejects.toMatchObject({ code: 'LEDGER_UNBALANCED' });
    await expect(
      postLedgerTransaction(db, {
        programId,
        reference: 'bad:3',
        kind: 'revenue',
        entries: [
          { account: 'not_an_account' as 'treasury', currency: 'USDC', amount: 1n },
          { account: 'revenue', currency: 'USDC', amount: -1n },
        ],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const written = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('reference', 'like', 'bad:%')
      .execute();
    expect(written).toEqual([]);
  });

  it('has the database refuse entries added to a committed transaction, or entries of another program', async () => {
    const posted = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:closed',
      kind: 'revenue',
      entries: sale(3n),
    });
    await expect(
      db
        .insertInto('ledger_entries')
        .values([
          {
            transaction_id: posted.id,
            program_id: programId,
            account: 'treasury',
            currency: 'USDC',
            amount: 1n,
          },
          {
            transaction_id: posted.id,
            program_id: programId,
            account: 'revenue',
            currency: 'USDC',
            amount: -1n,
          },
        ])
        .execute(),
    ).rejects.toThrow(/is closed/);
    const other = await db
      .insertInto('programs')
      .values({ slug: 'entries-elsewhere', name: 'elsewhere' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute(async (tx) => {
        const header = await tx
          .insertInto('ledger_transactions')
          .values({ program_id: programId, reference: 'mixed', kind: 'test', content_hash: 'x' })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('ledger_entries')
          .values([
            {
              transaction_id: header.id,
              program_id: other.id,
              account: 'treasury',
              currency: 'USDC',
              amount: 1n,
            },
            {
              transaction_id: header.id,
              program_id: other.id,
              account: 'revenue',
              currency: 'USDC',
              amount: -1n,
            },
          ])
          .execute();
      }),
    ).rejects.toThrow(/entries of another program/);
  });

  it('reverses a transaction once: again with the same reference is a no-op, with another a CONFLICT', async () => {
    const original = await postLedgerTransaction(db, {
      programId,
      reference: 'sale:4',
      kind: 'revenue',
      entries: sale(40n),
    });
    const before = await getAccountBalance(db, { programId, account: 'treasury', currency: 'USDC' });
    const reversal = await reverseLedgerTransaction(db, { programId, transactionId: original.id });
    expect(reversal.created).toBe(true);
    expect(await getAccountBalance(db, { programId, account: 'treasury', currency: 'USDC' })).toBe(
      before - 40n,
    );
    const header = await db
      .selectFrom('ledger_transactions')
      .selectAll()
      .where('id', '=', reversal.id)
      .executeTakeFirstOrThrow();
    expect(header).toMatchObject({
      reverses_id: original.id,
      reference: `reversal:${original.id}`,
      kind: 'reversal',
    });
    expect((await reverseLedgerTransaction(db, { programId, transactionId: original.id })).created).toBe(
      false,
    );
    await expect(
      reverseLedgerTransaction(db, { programId, transactionId: original.id, reference: 'other-reversal' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      reverseLedgerTransaction(db, { programId, transactionId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports balances as of a past time', async () => {
    const account = affiliatePayableAccount(randomUUID());
    const entries = (amount: bigint): TLedgerEntryInput[] => [
      { account: ACCOUNTS.commissionExpense, currency: 'USD', amount },
      { account, currency: 'USD', amount: -amount },
    ];
    await postLedgerTransaction(db, {
      programId,
      reference: `c:${account}:1`,
      kind: 'commission',
      entries: entries(3n),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await postLedgerTransaction(db, {
      programId,
      reference: `c:${account}:2`,
      kind: 'commission',
      entries: entries(4n),
    });
    expect(await getAccountBalance(db, { programId, account, currency: 'USD' })).toBe(-7n);
    expect(await getAccountBalance(db, { programId, account, currency: 'USD', asOf: between })).toBe(-3n);
    expect(await getAccountBalance(db, { programId, account, currency: 'USD', asOf: new Date(0) })).toBe(0n);
    const listed = await listAccountBalances(db, { programId, account, limit: 10, asOf: between });
    expect(listed).toEqual([{ account, currency: 'USD', balance: -3n, entryCount: 1 }]);
  });

  it('lists accounts by name in pages that keep every currency of an account together', async () => {
    const all = await listAccountBalances(db, { programId, limit: 100 });
    const names = [...new Set(all.map((row) => row.account))];
    expect(names).toEqual([...names].sort());
    const first = await listAccountBalances(db, { programId, limit: 2 });
    const firstNames = [...new Set(first.map((row) => row.account))];
    expect(firstNames).toEqual(names.slice(0, 2));
    const rest = await listAccountBalances(db, { programId, limit: 100, afterAccount: firstNames.at(-1)! });
    expect([...first, ...rest]).toEqual(all);
  });

  it('verifies a balanced program and finds a payable that disagrees with the commission records', async () => {
    const report = await verifyLedger(db, programId);
    expect(report.totals.every((row) => row.sum === 0n)).toBe(true);
    expect(report.unbalancedTransactions).toEqual([]);
    expect(report.emptyTransactions).toEqual([]);
    expect(report.payoutClearing.matches).toBe(true);
    // The payable accounts posted above have no commission rows behind them: verification says so.
    expect(report.payableMismatches.length).toBeGreaterThan(0);
    expect(report.balanced).toBe(false);
    const other = await db
      .insertInto('programs')
      .values({ slug: 'verify-clean', name: 'clean' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await postLedgerTransaction(db, {
      programId: other.id,
      reference: 'sale',
      kind: 'revenue',
      entries: sale(9n),
    });
    expect((await verifyLedger(db, other.id)).balanced).toBe(true);
  });
});
