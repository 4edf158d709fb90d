import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScale } from '../../../test/support/scale-seed';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { programStats } from './program-stats';

/** The figures program stats used to count over whole tables, counted again here to compare. */
async function countedStats(db: TDb) {
  const users = await sql<{ users: number; registrations: number; claims: number; affiliates: number }>`
    SELECT count(*)::int AS users, count(registered_at)::int AS registrations,
           (count(*) FILTER (WHERE claim_status = 'CLAIMED'))::int AS claims,
           (SELECT count(*)::int FROM affiliates WHERE program_id = ${DEFAULT_PROGRAM_ID}) AS affiliates
      FROM users WHERE program_id = ${DEFAULT_PROGRAM_ID}`.execute(db);
  const commissions = await sql<{ status: string; count: number; amount: string }>`
    SELECT status, count(*)::int AS count, sum(amount)::text AS amount FROM commissions
     WHERE program_id = ${DEFAULT_PROGRAM_ID} GROUP BY status`.execute(db);
  const row = users.rows[0]!;
  return {
    ...row,
    commissions: ['ACCRUED', 'PAYABLE', 'PAID', 'CANCELLED'].map((status) => {
      const found = commissions.rows.find((candidate) => candidate.status === status);
      return { status, count: found?.count ?? 0, amount: found?.amount ?? '0' };
    }),
  };
}

async function statsOf(db: TDb) {
  const stats = await programStats(db, DEFAULT_PROGRAM_ID);
  return {
    users: stats.users,
    registrations: stats.registrations,
    claims: stats.claims,
    affiliates: stats.affiliates,
    commissions: stats.commissions,
  };
}

describe('program stats from maintained counters (PostgreSQL)', () => {
  let test: TTestDatabase;
  let db: TDb;
  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: 8 });
    db = test.database.db;
    // Users, affiliates and commissions written by bulk statements, through every trigger.
    await seedScale(db, { users: 5_000, connections: 2 });
  }, 300_000);
  afterAll(async () => test?.cleanup());

  it('equal the tables counted after a seed, and read no counted table', async () => {
    expect((await statsOf(db)).users).toBe(5_000);
    expect(await statsOf(db)).toEqual(await countedStats(db));
    const plan = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT counter, sum(n) FROM program_counters WHERE program_id = ${DEFAULT_PROGRAM_ID}
       GROUP BY counter`.execute(db);
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/users|commissions|affiliates/);
  });

  it('follow inserts, updates and deletes from concurrent writers, without deadlocks', async () => {
    const writers = Array.from({ length: 6 }, (_, writer) =>
      (async () => {
        for (let step = 0; step < 20; step += 1) {
          await db.transaction().execute(async (tx) => {
            const wallet = `0x3${String(writer * 1000 + step).padStart(39, '0')}`;
            // A claim recorded before the mint (no registered_at), then the mint's users row update.
            await sql`INSERT INTO users (program_id, wallet, claim_status, claimed_at)
                      VALUES (${DEFAULT_PROGRAM_ID}, ${wallet}, 'CLAIMED', now())`.execute(tx);
            await sql`UPDATE users SET registered_at = now() WHERE program_id = ${DEFAULT_PROGRAM_ID}
                         AND wallet = ${wallet}`.execute(tx);
            // Claims of seeded users, and commissions maturing, in opposite orders for odd writers.
            const claim = sql`UPDATE users SET claim_status = 'CLAIMED', claimed_at = now()
                               WHERE program_id = ${DEFAULT_PROGRAM_ID} AND claim_status = 'UNCLAIMED'
                                 AND token_id % 6 = ${writer} AND token_id % 40 = ${step}`;
            const mature = sql`UPDATE commissions SET status = 'PAYABLE'
                                WHERE status = 'ACCRUED' AND level = ${1 + (writer % 2)}
                                  AND id IN (SELECT id FROM commissions WHERE status = 'ACCRUED'
                                              ORDER BY id LIMIT 3)`;
            for (const statement of writer % 2 === 0 ? [claim, mature] : [mature, claim])
              await statement.execute(tx);
          });
        }
      })(),
    );
    await Promise.all(writers);
    // A user row removed (a test fixture's cleanup, say) and an affiliate added.
    await sql`DELETE FROM users WHERE wallet = ${`0x3${'0'.repeat(39)}`}`.execute(db);
    await sql`INSERT INTO affiliates (program_id, wallet, code)
              VALUES (${DEFAULT_PROGRAM_ID}, ${`0x4${'0'.repeat(39)}`}, 'COUNTERS1')`.execute(db);
    const counted = await countedStats(db);
    expect(counted.users).toBe(5_000 + 6 * 20 - 1);
    expect(await statsOf(db)).toEqual(counted);
    // The shards a transaction picks spread concurrent writers over several rows.
    const shards = await sql<{ n: number }>`
      SELECT count(DISTINCT shard)::int AS n FROM program_counters WHERE counter = 'users'`.execute(db);
    expect(shards.rows[0]!.n).toBeGreaterThan(1);
  });

  it('are written by the triggers only', async () => {
    await expect(
      sql`INSERT INTO program_counters (program_id, counter, shard, n)
          VALUES (${DEFAULT_PROGRAM_ID}, 'users', 0, 1000)`.execute(db),
    ).rejects.toThrow(/maintained by triggers/);
    await expect(sql`UPDATE program_counters SET n = n + 1`.execute(db)).rejects.toThrow(
      /maintained by triggers/,
    );
  });
});
