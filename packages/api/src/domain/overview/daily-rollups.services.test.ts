import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupDifferences, rollupTotals } from '../../../test/support/daily-rollups';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import * as dailyRollups from '../../db/migrations/0022-daily-rollups';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { readDailyRollups } from './read-daily-rollups';

const programId = DEFAULT_PROGRAM_ID;
const WRITERS = 8;
const wallet = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

/** The mint's users upsert (mint-registrations.ts): registered_at set once, kept on a retry. */
async function mintUser(db: TDb, n: number) {
  await sql`
    INSERT INTO users (program_id, wallet, registered_at) VALUES (${programId}, ${wallet(n)}, now())
    ON CONFLICT (program_id, wallet) DO UPDATE
       SET registered_at = coalesce(users.registered_at, EXCLUDED.registered_at)`.execute(db);
}

describe('daily rollups (0022) on PostgreSQL', () => {
  let test: TTestDatabase;
  let db: TDb;
  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: WRITERS + 2 });
    db = test.database.db;
  });
  afterAll(async () => test.cleanup());

  it('refuses a direct write to the rollups', async () => {
    await expect(
      sql`INSERT INTO daily_rollups (program_id, day, shard) VALUES (${programId}, current_date, 0)`.execute(
        db,
      ),
    ).rejects.toThrow(/maintained by triggers/);
    await expect(sql`UPDATE daily_rollups SET registrations = 5`.execute(db)).rejects.toThrow(
      /maintained by triggers/,
    );
  });

  it('equals the facts after concurrent writers, retried mints, a user paid before minting and a rollback', async () => {
    // A paying user's row exists before the mint (registered_at null): not a registration until minted.
    await db
      .insertInto('users')
      .values({ program_id: programId, wallet: wallet(1_000) })
      .execute();
    expect(Number((await rollupTotals(db, programId)).registrations ?? 0)).toBe(0);
    await Promise.all(
      Array.from({ length: WRITERS }, (_, writer) =>
        db.transaction().execute(async (tx) => {
          for (let index = 0; index < 10; index++) await mintUser(tx, writer * 100 + index);
          await postLedgerTransaction(tx, {
            programId,
            reference: `gas:rollup-test:${writer}`,
            kind: 'gas',
            entries: [
              { account: 'gas_expense', currency: 'ETH', amount: 1_000n + BigInt(writer) },
              { account: 'relayer', currency: 'ETH', amount: -(1_000n + BigInt(writer)) },
            ],
          });
        }),
      ),
    );
    // Retries of the same mints (a resumed batch) and the paying user's mint.
    for (let index = 0; index < 10; index++) await mintUser(db, index);
    await mintUser(db, 1_000);
    // A transaction that fails after writing facts leaves no trace in the rollups.
    await expect(
      db.transaction().execute(async (tx) => {
        await mintUser(tx, 5_000);
        throw new Error('crash after the insert');
      }),
    ).rejects.toThrow('crash');

    expect(await rollupDifferences(db)).toEqual([]);
    const totals = await rollupTotals(db, programId);
    expect(totals.registrations).toBe(String(WRITERS * 10 + 1));
    expect(totals.gas_spent_wei).toBe(String(WRITERS * 1_000 + (WRITERS * (WRITERS - 1)) / 2));
    // Concurrent writers spread over shards; the read adds them up into one row per day.
    const shards = await sql<{
      n: string;
    }>`SELECT count(DISTINCT shard)::text AS n FROM daily_rollups`.execute(db);
    expect(Number(shards.rows[0]!.n)).toBeGreaterThan(1);
    const days = await readDailyRollups(db, { programId, days: 2 });
    expect(days.map((day) => day.registrations)).toEqual([0, WRITERS * 10 + 1]);
  });

  it('backfills the same figures from the facts when the migration is applied again', async () => {
    const before = await rollupTotals(db, programId);
    await dailyRollups.down(db as never);
    await dailyRollups.up(db as never);
    expect(await rollupTotals(db, programId)).toEqual(before);
    expect(await rollupDifferences(db)).toEqual([]);
  });
});
