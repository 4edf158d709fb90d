import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import { ACCOUNTS } from '../../src/domain/ledger/accounts';
import { getAccountBalance, listAccountBalances } from '../../src/domain/ledger/get-balances';
import {
  postLedgerTransaction,
  postLedgerTransactions,
} from '../../src/domain/ledger/post-ledger-transaction';
import { readLedgerTotals } from '../../src/domain/ledger/read-ledger-totals';
import { verifyLedger } from '../../src/domain/ledger/verify-ledger';
import { writeLedgerCheckpoint } from '../../src/domain/ledger/write-ledger-checkpoint';
import type { TTestDatabase } from './test-database';

const programId = DEFAULT_PROGRAM_ID;
const DAY_MS = 86_400_000;

/** Every (program, account, currency) whose maintained balance or entry count differs from its entries. */
export async function maintainedBalanceDifferences(db: TDb) {
  const result = await sql<{
    program_id: string;
    account: string;
    currency: string;
    maintained: bigint | null;
    entries: bigint | null;
  }>`
    WITH sums AS (
      SELECT program_id, account, currency, sum(amount) AS balance, count(*) AS n
        FROM ledger_entries GROUP BY program_id, account, currency
    )
    SELECT coalesce(s.program_id, b.program_id) AS program_id, coalesce(s.account, b.account) AS account,
           coalesce(s.currency, b.currency) AS currency, b.balance AS maintained, s.balance AS entries
      FROM sums s FULL JOIN ledger_balances b
        ON b.program_id = s.program_id AND b.account = s.account AND b.currency = s.currency
     WHERE b.balance IS DISTINCT FROM s.balance OR b.entry_count IS DISTINCT FROM s.n`.execute(db);
  return result.rows;
}

/** Balance of an account from its entries up to `asOf` (inclusive): the reference the checkpoints must equal. */
async function summedBalance(db: TDb, account: string, currency: string, asOf: Date) {
  const row = await sql<{ balance: bigint }>`
    SELECT coalesce(sum(amount), 0) AS balance FROM ledger_entries
     WHERE program_id = ${programId} AND account = ${account} AND currency = ${currency}
       AND created_at <= ${asOf}`.execute(db);
  return row.rows[0]!.balance;
}

/**
 * A ledger transaction written with SQL at a given time (as an import or a scale seed would write one): the
 * header and its entries in one database transaction, `created_at` set explicitly.
 */
async function postAt(db: TDb, reference: string, at: Date, lines: [string, string, bigint][]) {
  await db.transaction().execute(async (tx) => {
    const header = await tx
      .insertInto('ledger_transactions')
      .values({ program_id: programId, reference, kind: 'test', content_hash: reference, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('ledger_entries')
      .values(
        lines.map(([account, currency, amount]) => ({
          transaction_id: header.id,
          program_id: programId,
          account,
          currency: currency as 'USDC',
          amount,
          created_at: at,
        })),
      )
      .execute();
  });
}

/**
 * Maintained ledger balances (migration 0013), on both engines: kept equal to the entries by the commit-time
 * trigger, read without summing history, "as of" from daily checkpoints, refused to direct SQL.
 */
export function describeLedgerBalances(engine: string, open: () => Promise<TTestDatabase>) {
  describe(`maintained ledger balances on ${engine}`, () => {
    let test: TTestDatabase;
    let db: TDb;
    beforeAll(async () => {
      test = await open();
      db = test.database.db;
    });
    afterAll(async () => test.cleanup());

    it('keeps each balance equal to its entries, applied at commit, and visible to the posting transaction', async () => {
      await db.transaction().execute(async (tx) => {
        await postLedgerTransactions(
          tx,
          programId,
          [1n, 2n, 3n].map((amount) => ({
            programId,
            reference: `balances:sale:${amount}`,
            kind: 'revenue',
            entries: [
              { account: ACCOUNTS.treasury, currency: 'USDC', amount: amount * 100n },
              { account: ACCOUNTS.revenue, currency: 'USDC', amount: -amount * 100n },
              { account: ACCOUNTS.treasury, currency: 'USD', amount },
              { account: ACCOUNTS.revenue, currency: 'USD', amount: -amount },
            ],
          })),
        );
        // Not applied yet (that happens at COMMIT), but the transaction sees its own postings.
        const row = await tx
          .selectFrom('ledger_balances')
          .select('balance')
          .where('account', '=', ACCOUNTS.treasury)
          .executeTakeFirst();
        expect(row).toBeUndefined();
        expect(await getAccountBalance(tx, { programId, account: ACCOUNTS.treasury, currency: 'USDC' })).toBe(
          600n,
        );
      });
      expect(await getAccountBalance(db, { programId, account: ACCOUNTS.treasury, currency: 'USDC' })).toBe(
        600n,
      );
      expect(await getAccountBalance(db, { programId, account: ACCOUNTS.revenue, currency: 'USD' })).toBe(
        -6n,
      );
      // Replaying a reference writes nothing and applies nothing twice.
      await postLedgerTransaction(db, {
        programId,
        reference: 'balances:sale:1',
        kind: 'revenue',
        entries: [
          { account: ACCOUNTS.treasury, currency: 'USDC', amount: 100n },
          { account: ACCOUNTS.revenue, currency: 'USDC', amount: -100n },
          { account: ACCOUNTS.treasury, currency: 'USD', amount: 1n },
          { account: ACCOUNTS.revenue, currency: 'USD', amount: -1n },
        ],
      });
      // A rolled back posting leaves nothing behind.
      await expect(
        db.transaction().execute(async (tx) => {
          await postLedgerTransaction(tx, {
            programId,
            reference: 'balances:rolled-back',
            kind: 'revenue',
            entries: [
              { account: ACCOUNTS.treasury, currency: 'USDC', amount: 7n },
              { account: ACCOUNTS.revenue, currency: 'USDC', amount: -7n },
            ],
          });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await maintainedBalanceDifferences(db)).toEqual([]);
      expect(await getAccountBalance(db, { programId, account: ACCOUNTS.treasury, currency: 'USDC' })).toBe(
        600n,
      );
      expect(await readLedgerTotals(db, 10)).toEqual([
        { slug: 'default', currency: 'USD', sum: 0n },
        { slug: 'default', currency: 'USDC', sum: 0n },
      ]);
      // Pages of accounts, every currency of an account on the same page.
      const page = await listAccountBalances(db, { programId, limit: 1 });
      expect(page.map((row) => [row.account, row.currency, row.balance, row.entryCount])).toEqual([
        [ACCOUNTS.revenue, 'USD', -6n, 3],
        [ACCOUNTS.revenue, 'USDC', -600n, 3],
      ]);
      const next = await listAccountBalances(db, { programId, limit: 1, afterAccount: ACCOUNTS.revenue });
      expect(next.map((row) => [row.account, row.currency, row.balance])).toEqual([
        [ACCOUNTS.treasury, 'USD', 6n],
        [ACCOUNTS.treasury, 'USDC', 600n],
      ]);
    });

    it('reads a balance as of any time from the nearest checkpoint, equal to the sum of entries up to it', async () => {
      const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
      const start = today.getTime() - 5 * DAY_MS;
      // Five days of postings, three a day at different hours, to two accounts.
      for (let day = 0; day < 5; day++) {
        for (const hour of [1, 9, 23]) {
          const at = new Date(start + day * DAY_MS + hour * 3_600_000);
          const amount = BigInt(1 + day * 10 + hour);
          await postAt(db, `asof:${day}:${hour}`, at, [
            [ACCOUNTS.gasExpense, 'ETH', amount],
            [ACCOUNTS.relayer, 'ETH', -amount],
          ]);
        }
      }
      const written = await writeLedgerCheckpoint(db, { asOf: today });
      expect(written?.asOf.getTime()).toBe(today.getTime());
      expect(await writeLedgerCheckpoint(db, { asOf: today })).toBeNull();
      const checkpoints = await db
        .selectFrom('ledger_balance_checkpoints')
        .select(['as_of'])
        .where('account', '=', ACCOUNTS.gasExpense)
        .orderBy('as_of')
        .execute();
      expect(checkpoints.map((row) => new Date(row.as_of).getTime())).toEqual(
        [1, 2, 3, 4, 5].map((day) => start + day * DAY_MS),
      );
      // A posting that commits after the checkpoint with an earlier time (it started before midnight): the
      // checkpoints at and after its time take it in.
      await postAt(db, 'asof:late', new Date(start + 2 * DAY_MS + 12 * 3_600_000), [
        [ACCOUNTS.gasExpense, 'ETH', 1000n],
        [ACCOUNTS.relayer, 'ETH', -1000n],
      ]);
      const moments = [
        start - 1,
        start + 3_600_000,
        start + DAY_MS,
        start + 2 * DAY_MS + 12 * 3_600_000,
        start + 2 * DAY_MS + 12 * 3_600_000 - 1,
        start + 3 * DAY_MS - 1,
        start + 4 * DAY_MS + 5 * 3_600_000,
        today.getTime(),
        Date.now() + DAY_MS,
      ].map((ms) => new Date(ms));
      for (const asOf of moments) {
        for (const account of [ACCOUNTS.gasExpense, ACCOUNTS.relayer]) {
          const expected = await summedBalance(db, account, 'ETH', asOf);
          expect(
            await getAccountBalance(db, { programId, account, currency: 'ETH', asOf }),
            `${account} ${asOf.toISOString()}`,
          ).toBe(expected);
        }
        const listed = await listAccountBalances(db, { programId, asOf, currency: 'ETH', limit: 10 });
        for (const row of listed) expect(row.balance).toBe(await summedBalance(db, row.account, 'ETH', asOf));
      }
      const before = await listAccountBalances(db, { programId, asOf: new Date(start - 1), limit: 10 });
      expect(before.filter((row) => row.currency === 'ETH')).toEqual([]);
      expect(await maintainedBalanceDifferences(db)).toEqual([]);
    });

    it('verifies incrementally from the maintained balances and checkpoints, and fully from every entry', async () => {
      const incremental = await verifyLedger(db, programId, { mode: 'incremental' });
      expect(incremental).toMatchObject({ mode: 'incremental', balanced: true, balanceMismatches: [] });
      expect(incremental.since).not.toBeNull();
      const full = await verifyLedger(db, programId, { mode: 'full' });
      expect(full).toMatchObject({ mode: 'full', balanced: true, balanceMismatches: [] });
      expect(full.transactionCount).toBeGreaterThan(incremental.transactionCount);
    });

    it('refuses direct writes to the maintained balances, totals, checkpoints and open transactions', async () => {
      const refused = async (statement: string) =>
        await expect(sql.raw(statement).execute(db), statement).rejects.toThrow(
          /maintained by the ledger|append-only/,
        );
      await refused(`UPDATE ledger_balances SET balance = balance + 1`);
      await refused(`DELETE FROM ledger_balances`);
      await refused(`TRUNCATE ledger_balances`);
      await refused(`INSERT INTO ledger_balances VALUES ('${programId}', 'treasury', 'SGE', 1, 1, now())`);
      await refused(`UPDATE ledger_balance_totals SET balance = balance + 1`);
      await refused(`DELETE FROM ledger_balance_totals`);
      await refused(`UPDATE ledger_balance_checkpoints SET balance = balance + 1`);
      await refused(`DELETE FROM ledger_balance_checkpoints`);
      await refused(
        `INSERT INTO ledger_balance_checkpoints VALUES ('${programId}', 'treasury', 'SGE', now(), 1, 1)`,
      );
      await refused(`DELETE FROM ledger_checkpoint_days`);
      await refused(`INSERT INTO ledger_open_transactions (id) VALUES (gen_random_uuid())`);
      await refused(`UPDATE ledger_entries SET amount = amount + 1`);
      await expect(
        sql`INSERT INTO ledger_checkpoint_days (as_of) VALUES (date_trunc('day', now(), 'UTC') + interval '2 days')`.execute(
          db,
        ),
      ).rejects.toThrow(/in the future/);
      expect(await maintainedBalanceDifferences(db)).toEqual([]);
    });

    it('applies thousands of ledger transactions of one database transaction (the open-transaction check is an index probe)', async () => {
      const count = 2_000;
      await db.transaction().execute(async (tx) => {
        for (let from = 0; from < count; from += 500) {
          await postLedgerTransactions(
            tx,
            programId,
            Array.from({ length: 500 }, (_, index) => ({
              programId,
              reference: `bulk:${from + index}`,
              kind: 'bulk',
              entries: [
                {
                  account: ACCOUNTS.sgeDistributed,
                  currency: 'SGE' as const,
                  amount: BigInt(from + index + 1),
                },
                { account: ACCOUNTS.sgeVault, currency: 'SGE' as const, amount: -BigInt(from + index + 1) },
              ],
            })),
          );
        }
        // The check each entry runs looks up one (xid, id) key: no list that grows with the transaction.
        const plan = await sql<{ 'QUERY PLAN': string }>`
          EXPLAIN SELECT 1 FROM ledger_open_transactions
           WHERE xid = pg_current_xact_id() AND id = '00000000-0000-4000-8000-000000000000'::uuid`.execute(
          tx,
        );
        expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(
          /Index (Only )?Scan using ledger_open_transactions_pkey/,
        );
        expect(await sql`SELECT current_setting('sge.ledger_open', true) AS open`.execute(tx)).toMatchObject({
          rows: [{ open: null }],
        });
      });
      const expected = (BigInt(count) * BigInt(count + 1)) / 2n;
      expect(
        await getAccountBalance(db, { programId, account: ACCOUNTS.sgeDistributed, currency: 'SGE' }),
      ).toBe(expected);
      const open = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM ledger_open_transactions`.execute(
        db,
      );
      expect(Number(open.rows[0]!.n)).toBe(0);
      expect(await maintainedBalanceDifferences(db)).toEqual([]);
    });
  });
}
