import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';

export type TArchiveFixture = {
  /** CONFIRMED/FAILED, old, no settlement: exported and deleted with their events. */
  deletable: string[];
  /** CONFIRMED, old, with a settlement: kept, their events archived. */
  settled: string[];
  /** Old but PENDING or PROCESSING, or finished recently: never touched. */
  untouched: string[];
};

const randomWallet = () => `0x${randomBytes(20).toString('hex')}`;

/**
 * Intents in every state an archive run must tell apart, with their status-change events written by the
 * database's own trigger, then aged by moving their timestamps `ageDays` into the past.
 */
export async function seedArchiveFixture(
  db: TDb,
  options: { ageDays?: number } = {},
): Promise<TArchiveFixture> {
  const ageDays = options.ageDays ?? 40;
  const insert = async (path: ('PROCESSING' | 'CONFIRMED' | 'FAILED')[], aged: boolean) => {
    const wallet = randomWallet();
    const { id } = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'REGISTER',
        idempotency_key: `register:${DEFAULT_PROGRAM_ID}:${wallet}`,
        wallet,
        payload: { wallet, note: 'archive fixture', nested: { amount: '123456789012345678901234567890' } },
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const status of path) {
      await db
        .updateTable('intents')
        .set({ status, status_reason: `to ${status}`, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    }
    if (aged) {
      await sql`UPDATE intents SET created_at = created_at - make_interval(days => ${ageDays}),
                                   updated_at = updated_at - make_interval(days => ${ageDays})
                 WHERE id = ${id}`.execute(db);
    }
    return { id, wallet };
  };
  const fixture: TArchiveFixture = { deletable: [], settled: [], untouched: [] };
  for (let n = 0; n < 5; n += 1) fixture.deletable.push((await insert(['PROCESSING', 'CONFIRMED'], true)).id);
  for (let n = 0; n < 3; n += 1) fixture.deletable.push((await insert(['PROCESSING', 'FAILED'], true)).id);
  for (let n = 0; n < 3; n += 1) {
    const { id, wallet } = await insert(['PROCESSING', 'CONFIRMED'], true);
    await db
      .insertInto('settlements')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        intent_id: id,
        kind: 'REGISTER',
        wallet,
        currency: 'ETH',
        amount: 0n,
      })
      .execute();
    fixture.settled.push(id);
  }
  fixture.untouched.push((await insert([], true)).id);
  fixture.untouched.push((await insert(['PROCESSING'], true)).id);
  fixture.untouched.push((await insert(['PROCESSING', 'CONFIRMED'], false)).id);
  fixture.untouched.push((await insert(['PROCESSING', 'FAILED'], false)).id);
  return fixture;
}
