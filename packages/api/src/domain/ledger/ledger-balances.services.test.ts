import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLedgerBalances, maintainedBalanceDifferences } from '../../../test/support/ledger-balances';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { ACCOUNTS, affiliatePayableAccount, type TAccount } from './accounts';
import { getAccountBalance } from './get-balances';
import { postLedgerTransactions, type TPostLedgerTransactionInput } from './post-ledger-transaction';
import { writeLedgerCheckpoint } from './write-ledger-checkpoint';

describeLedgerBalances('PostgreSQL', () => openTestPostgres());

const programId = DEFAULT_PROGRAM_ID;
const DAY_MS = 86_400_000;

describe('maintained ledger balances under concurrent writers (PostgreSQL)', () => {
  let test: TTestDatabase;
  let db: TDb;
  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: 8 });
    db = test.database.db;
  });
  afterAll(async () => test.cleanup());

  it('keeps hot balances exact, without deadlocks, whatever order writers post their transactions in', async () => {
    const affiliates = ['a', 'b', 'c'].map((letter) =>
      affiliatePayableAccount(`00000000-0000-4000-8000-00000000000${letter}`),
    );
    const expected = new Map<string, bigint>();
    const add = (account: string, currency: string, amount: bigint) =>
      expected.set(`${account}|${currency}`, (expected.get(`${account}|${currency}`) ?? 0n) + amount);
    // One database transaction: a sale and two commissions, in one of two orders (commissions first in odd
    // ones), so that two writers lock the same hot rows having posted them in opposite orders.
    const unit = (writer: number, index: number): TPostLedgerTransactionInput[] => {
      const amount = BigInt(1 + ((writer * 7919 + index * 104729) % 1_000_000));
      const affiliate = affiliates[(writer + index) % affiliates.length]! as TAccount;
      const sale: TPostLedgerTransactionInput = {
        programId,
        reference: `hot:${writer}:${index}:sale`,
        kind: 'revenue',
        entries: [
          { account: ACCOUNTS.treasury, currency: 'USDC', amount },
          { account: ACCOUNTS.revenue, currency: 'USDC', amount: -amount },
        ],
      };
      const commissions = [1n, 2n].map(
        (level): TPostLedgerTransactionInput => ({
          programId,
          reference: `hot:${writer}:${index}:commission:${level}`,
          kind: 'commission',
          entries: [
            { account: ACCOUNTS.commissionExpense, currency: 'USD', amount: amount / (10n * level) + 1n },
            { account: affiliate, currency: 'USD', amount: -(amount / (10n * level) + 1n) },
          ],
        }),
      );
      for (const input of [sale, ...commissions])
        for (const entry of input.entries) add(entry.account, entry.currency, entry.amount);
      return index % 2 === 0 ? [sale, ...commissions] : [...commissions, sale];
    };
    const writers = 6;
    const perWriter = 40;
    const units = Array.from({ length: writers }, (_, writer) =>
      Array.from({ length: perWriter }, (_, index) => unit(writer, index)),
    );
    // Two connections' worth of writers and more, each transaction posting its ledger transactions one by one.
    const write = async (writer: number) => {
      for (const inputs of units[writer]!) {
        await db.transaction().execute(async (tx) => {
          for (const input of inputs) await postLedgerTransactions(tx, programId, [input]);
        });
      }
    };
    // Meanwhile: postings dated yesterday (begun before midnight, committed after), and the checkpoint of
    // today's midnight written in the middle of them.
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const yesterdayNoon = new Date(today.getTime() - DAY_MS / 2);
    const late = async () => {
      for (let index = 0; index < 40; index++) {
        const amount = BigInt(index + 1);
        add(ACCOUNTS.treasury, 'USDC', amount);
        add(ACCOUNTS.revenue, 'USDC', -amount);
        await db.transaction().execute(async (tx) => {
          const header = await tx
            .insertInto('ledger_transactions')
            .values({
              program_id: programId,
              reference: `late:${index}`,
              kind: 'test',
              content_hash: `late:${index}`,
              created_at: yesterdayNoon,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await tx
            .insertInto('ledger_entries')
            .values(
              (
                [
                  [ACCOUNTS.treasury, amount],
                  [ACCOUNTS.revenue, -amount],
                ] as const
              ).map(([account, value]) => ({
                transaction_id: header.id,
                program_id: programId,
                account,
                currency: 'USDC' as const,
                amount: value,
                created_at: yesterdayNoon,
              })),
            )
            .execute();
          if (index === 20) await writeLedgerCheckpoint(db, { asOf: today });
        });
      }
    };
    await Promise.all([...Array.from({ length: writers }, (_, writer) => write(writer)), late()]);

    for (const [key, amount] of expected) {
      const [account, currency] = key.split('|') as [string, 'USD' | 'USDC'];
      expect(await getAccountBalance(db, { programId, account, currency }), key).toBe(amount);
    }
    expect(await maintainedBalanceDifferences(db)).toEqual([]);
    // The checkpoint of today's midnight holds every posting dated before it, whichever committed later.
    const checkpoint = await sql<{ balance: bigint }>`
      SELECT balance FROM ledger_balance_checkpoints
       WHERE program_id = ${programId} AND account = 'treasury' AND currency = 'USDC' AND as_of = ${today}`.execute(
      db,
    );
    expect(checkpoint.rows[0]?.balance).toBe((40n * 41n) / 2n);
    expect(
      await getAccountBalance(db, {
        programId,
        account: ACCOUNTS.treasury,
        currency: 'USDC',
        asOf: new Date(today.getTime() - 1),
      }),
    ).toBe((40n * 41n) / 2n);
  });
});
