import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { sql } from 'kysely';
import { type Address, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import {
  REGISTRATION_EXTRA_WRITE_MIN,
  REGISTRATION_WRITES_IN_FLIGHT_MAX,
  RegistrationWriter,
} from './registration-writer';

/**
 * Watches the writer's INSERTs into intents: how many run at once, and how many rows each one inserted (in
 * the order the writes started).
 */
class InsertWatch implements KyselyPlugin {
  inFlight = 0;
  maxInFlight = 0;
  readonly #inserts = new Map<unknown, number>();

  get insertedPerWrite(): number[] {
    return [...this.#inserts.values()];
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node as { kind: string; sqlFragments?: readonly string[] };
    if (node.kind === 'RawNode' && node.sqlFragments?.join('?').includes('INSERT INTO intents')) {
      this.#inserts.set(args.queryId, 0);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#inserts.has(args.queryId)) {
      this.inFlight -= 1;
      this.#inserts.set(args.queryId, args.result.rows.length);
    }
    return args.result;
  }
}

let next = 0x5100_0000;
const freshWallets = (count: number): Address[] =>
  Array.from({ length: count }, () => getAddress(`0x${(next++).toString(16).padStart(40, '0')}`));

describe('RegistrationWriter (group commit) on PostgreSQL', () => {
  let test: TTestDatabase;

  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: 4 });
  });
  afterAll(async () => {
    await test.cleanup();
  });

  const start = () => {
    const watch = new InsertWatch();
    const created: number[] = [];
    const writer = new RegistrationWriter(test.database.db.withPlugin(watch), (count) => created.push(count));
    const submitAll = (wallets: Address[]) =>
      Promise.all(
        wallets.map((wallet) => writer.submit({ programId: DEFAULT_PROGRAM_ID, wallet, ref: null })),
      );
    return { watch, created, writer, submitAll };
  };

  it('writes a lone registration at once, and the ones arriving meanwhile together in the next write', async () => {
    const { watch, submitAll } = start();
    const wallets = freshWallets(REGISTRATION_EXTRA_WRITE_MIN);
    const outcomes = await submitAll(wallets);

    // The first starts a write by itself; the rest (one fewer than the minimum for a second write) wait for it.
    expect(watch.insertedPerWrite).toEqual([1, REGISTRATION_EXTRA_WRITE_MIN - 1]);
    expect(watch.maxInFlight).toBe(1);
    expect(outcomes.map((outcome) => outcome.wallet)).toEqual(wallets);
    expect(outcomes.every((outcome) => outcome.created && outcome.status === 'PENDING')).toBe(true);
  });

  it('starts a second write beside the first only once enough are waiting, and never more than the maximum', async () => {
    const { watch, created, submitAll } = start();
    const wallets = freshWallets(1 + REGISTRATION_EXTRA_WRITE_MIN + 200);
    const outcomes = await submitAll(wallets);

    expect(REGISTRATION_WRITES_IN_FLIGHT_MAX).toBe(2);
    expect(watch.maxInFlight).toBe(2);
    // 1 alone, then a second write as the minimum is reached, then the rest once a write is done.
    expect(watch.insertedPerWrite.slice(0, 2)).toEqual([1, REGISTRATION_EXTRA_WRITE_MIN]);
    expect(watch.insertedPerWrite.reduce((sum, rows) => sum + rows, 0)).toBe(wallets.length);
    expect(created.reduce((sum, count) => sum + count, 0)).toBe(wallets.length);
    // Every promise resolved after its row was committed: all of them are in the database, once each.
    const rows = await sql<{ id: string; wallet: string }>`
      SELECT id, wallet FROM intents WHERE wallet = ANY(${wallets}::text[])`.execute(test.database.db);
    expect(rows.rows.length).toBe(wallets.length);
    expect(new Set(outcomes.map((outcome) => outcome.intentId))).toEqual(
      new Set(rows.rows.map((row) => row.id)),
    );
  });

  it('gives a wallet in two concurrent writes one intent, named in both answers', async () => {
    const { watch, submitAll } = start();
    const [repeated] = freshWallets(1);
    const others = freshWallets(REGISTRATION_EXTRA_WRITE_MIN - 1);
    // Write 1: [repeated]; write 2 (concurrent, reached the minimum): others + repeated again.
    const outcomes = await submitAll([repeated!, ...others, repeated!]);

    expect(watch.maxInFlight).toBe(2);
    const first = outcomes[0]!;
    const again = outcomes.at(-1)!;
    expect(again.intentId).toBe(first.intentId);
    expect([first.created, again.created].sort()).toEqual([false, true]);
    const count = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM intents WHERE wallet = ${repeated!}`.execute(test.database.db);
    expect(count.rows[0]!.n).toBe(1);
  });

  it('drains: resolves once every submitted registration is written', async () => {
    const { writer } = start();
    const wallets = freshWallets(100);
    const pending = wallets.map((wallet) =>
      writer.submit({ programId: DEFAULT_PROGRAM_ID, wallet, ref: null }),
    );
    await writer.drain();
    const rows = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM intents WHERE wallet = ANY(${wallets}::text[])`.execute(
      test.database.db,
    );
    expect(rows.rows[0]!.n).toBe(wallets.length);
    await Promise.all(pending);
  });
});
