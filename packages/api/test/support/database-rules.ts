import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDatabase } from '../../src/db/client';
import { appliedMigrations, migrateToLatest, rollbackOne } from '../../src/db/migrate';
import { MIGRATIONS } from '../../src/db/migrations';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';

/**
 * The database's own rules, run against both engines (PGlite in the unit suite, PostgreSQL in the
 * services suite) so Mock and Real mode are proven to enforce the same things.
 */
export function describeDatabaseRules(
  engine: string,
  open: () => Promise<{ database: TDatabase; cleanup(): Promise<void> }>,
) {
  describe(`database rules on ${engine}`, () => {
    let database: TDatabase;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ database, cleanup } = await open());
      await migrateToLatest(database.db);
    });
    afterAll(async () => {
      await database.close();
      await cleanup();
    });

    const postTransaction = (
      reference: string,
      entries: { account: string; currency: 'USDC' | 'ETH'; amount: bigint }[],
    ) =>
      database.db.transaction().execute(async (tx) => {
        const header = await tx
          .insertInto('ledger_transactions')
          .values({ program_id: DEFAULT_PROGRAM_ID, reference, kind: 'test', content_hash: reference })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('ledger_entries')
          .values(
            entries.map((entry) => ({ ...entry, transaction_id: header.id, program_id: DEFAULT_PROGRAM_ID })),
          )
          .execute();
        return header.id;
      });

    it('creates the default program in the first migration', async () => {
      const program = await database.db
        .selectFrom('programs')
        .selectAll()
        .where('slug', '=', 'default')
        .executeTakeFirstOrThrow();
      expect(program.id).toBe(DEFAULT_PROGRAM_ID);
      expect(program.commission_levels_bps).toEqual([1000, 500]);
      expect(program.fee_micro_usd).toBe(100_000_000n);
      expect(program.claim_amount_wei).toBe(1000n * 10n ** 18n);
    });

    it('commits a ledger transaction balanced per currency and keeps amounts exact beyond 2^64', async () => {
      const huge = 2n ** 200n + 7n;
      const id = await postTransaction('balanced', [
        { account: 'treasury', currency: 'USDC', amount: 100_000_000n },
        { account: 'revenue', currency: 'USDC', amount: -100_000_000n },
        { account: 'gas_expense', currency: 'ETH', amount: huge },
        { account: 'relayer', currency: 'ETH', amount: -huge },
      ]);
      const entries = await database.db
        .selectFrom('ledger_entries')
        .select(['amount'])
        .where('transaction_id', '=', id)
        .execute();
      expect(entries.map((e) => e.amount)).toContain(huge);
    });

    it('rejects at commit a ledger transaction that does not sum to zero per currency', async () => {
      await expect(
        postTransaction('unbalanced', [
          { account: 'treasury', currency: 'USDC', amount: 100n },
          { account: 'revenue', currency: 'USDC', amount: -99n },
        ]),
      ).rejects.toThrow(/unbalanced in USDC/);
      // Balanced in total but not per currency.
      await expect(
        postTransaction('cross-currency', [
          { account: 'treasury', currency: 'USDC', amount: 100n },
          { account: 'relayer', currency: 'ETH', amount: -100n },
        ]),
      ).rejects.toThrow(/unbalanced/);
      const count = await database.db
        .selectFrom('ledger_transactions')
        .select(sql<number>`count(*)::int8`.as('n'))
        .where('reference', 'in', ['unbalanced', 'cross-currency'])
        .executeTakeFirstOrThrow();
      expect(count.n).toBe(0);
    });

    it('rejects a ledger transaction with no entries', async () => {
      await expect(
        database.db
          .insertInto('ledger_transactions')
          .values({ program_id: DEFAULT_PROGRAM_ID, reference: 'empty', kind: 'test', content_hash: 'x' })
          .execute(),
      ).rejects.toThrow(/has no entries/);
    });

    it('rejects UPDATE and DELETE of a ledger entry or transaction', async () => {
      const id = await postTransaction('immutable', [
        { account: 'treasury', currency: 'USDC', amount: 5n },
        { account: 'revenue', currency: 'USDC', amount: -5n },
      ]);
      await expect(
        database.db
          .updateTable('ledger_entries')
          .set({ amount: 6n })
          .where('transaction_id', '=', id)
          .execute(),
      ).rejects.toThrow(/append-only/);
      await expect(
        database.db.deleteFrom('ledger_entries').where('transaction_id', '=', id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(
        database.db.deleteFrom('ledger_transactions').where('id', '=', id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(sql`TRUNCATE ledger_entries CASCADE`.execute(database.db)).rejects.toThrow(/append-only/);
    });

    it('refuses a payout batch approved by the admin who created it', async () => {
      const batch = await database.db
        .insertInto('payout_batches')
        .values({ program_id: DEFAULT_PROGRAM_ID, created_by: 'alice' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await expect(
        database.db
          .updateTable('payout_batches')
          .set({ approved_by: 'alice', status: 'APPROVED' })
          .where('id', '=', batch.id)
          .execute(),
      ).rejects.toThrow(/payout_batches_two_person/);
      await database.db
        .updateTable('payout_batches')
        .set({ approved_by: 'bob', status: 'APPROVED' })
        .where('id', '=', batch.id)
        .execute();
    });

    it('records every intent status change with its reason', async () => {
      const intent = await database.db
        .insertInto('intents')
        .values({
          program_id: DEFAULT_PROGRAM_ID,
          type: 'REGISTER',
          idempotency_key: 'register:test:1',
          payload: {},
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable('intents')
        .set({ status: 'PROCESSING', status_reason: 'picked up' })
        .where('id', '=', intent.id)
        .execute();
      await database.db
        .updateTable('intents')
        .set({ status: 'FAILED', status_reason: 'boom' })
        .where('id', '=', intent.id)
        .execute();
      const events = await database.db
        .selectFrom('intent_events')
        .selectAll()
        .where('intent_id', '=', intent.id)
        .orderBy('id')
        .execute();
      // Creation is not a change (created_at records it); every change after it is an event.
      expect(events.map((e) => [e.from_status, e.to_status, e.reason])).toEqual([
        ['PENDING', 'PROCESSING', 'picked up'],
        ['PROCESSING', 'FAILED', 'boom'],
      ]);
      await expect(
        database.db
          .insertInto('intents')
          .values({
            program_id: DEFAULT_PROGRAM_ID,
            type: 'REGISTER',
            idempotency_key: 'register:test:1',
            payload: {},
          })
          .execute(),
      ).rejects.toThrow(/duplicate key/);
    });

    it('keeps the affiliate tree acyclic and a user referral locked once set', async () => {
      const insert = (code: string, wallet: string, parent: string | null) =>
        database.db
          .insertInto('affiliates')
          .values({ program_id: DEFAULT_PROGRAM_ID, code, wallet, parent_id: parent })
          .returning(['id', 'depth'])
          .executeTakeFirstOrThrow();
      const a = await insert('TREEA', `0x${'a'.repeat(40)}`, null);
      const b = await insert('TREEB', `0x${'b'.repeat(40)}`, a.id);
      const c = await insert('TREEC', `0x${'c'.repeat(40)}`, b.id);
      expect([a.depth, b.depth, c.depth]).toEqual([1, 2, 3]);
      await expect(
        database.db.updateTable('affiliates').set({ parent_id: c.id }).where('id', '=', a.id).execute(),
      ).rejects.toThrow(/cycle/);
      await expect(insert('treea', `0x${'d'.repeat(40)}`, null)).rejects.toThrow(/duplicate key/);

      const user = await database.db
        .insertInto('users')
        .values({
          program_id: DEFAULT_PROGRAM_ID,
          wallet: `0x${'e'.repeat(40)}`,
          referred_by_affiliate_id: a.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await expect(
        database.db
          .updateTable('users')
          .set({ referred_by_affiliate_id: b.id })
          .where('id', '=', user.id)
          .execute(),
      ).rejects.toThrow(/locked/);
    });

    it('rolls back the newest migration one step and applies it again', async () => {
      const names = Object.keys(MIGRATIONS);
      expect(await appliedMigrations(database.db)).toEqual(names);
      const steps = await rollbackOne(database.db);
      expect(steps).toEqual([{ name: names.at(-1), direction: 'Down', status: 'Success' }]);
      expect(await appliedMigrations(database.db)).toEqual(names.slice(0, -1));
      await migrateToLatest(database.db);
      expect(await appliedMigrations(database.db)).toEqual(names);
    });
  });
}
