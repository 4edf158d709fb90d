import { type CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleCursorOf, seededUserWallet, seedScale } from '../../test/support/scale-seed';
import { openTestPostgres, type TTestDatabase } from '../../test/support/test-database';
import type { TDb } from '../db/client';
import { DEFAULT_PROGRAM_ID } from '../db/migrations/0001-core-schema';
import { listAffiliates } from './affiliates/list-affiliates';
import { listCommissions } from './commissions/list-commissions';
import { listIntents } from './intents/list-intents';
import type { TAccount } from './ledger/accounts';
import { listAccountBalances } from './ledger/get-balances';
import { ledgerContentHash } from './ledger/post-ledger-transaction';
import { hasPaid } from './payments/has-paid';
import type { TReconciliationContext } from './reconciliation/check-context';
import { checkProcessingTime } from './reconciliation/check-processing-time';
import { countIntentBacklog } from './reconciliation/count-intent-backlog';
import { findStuckIntents } from './reconciliation/find-stuck-intents';
import { exportSettlements } from './settlements/export-settlements';
import { listSettlements } from './settlements/list-settlements';
import { listUsers } from './users/list-users';

/** Users seeded: 206,250 intents and settlements, 113,000 commissions, 410,000 ledger entries. */
const USERS = 125_000;
/** The tables a plan must never read whole. */
const BIG_TABLES = ['users', 'intents', 'settlements', 'commissions', 'affiliates', 'ledger_entries'];

type TPlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: TPlanNode[];
};

function nodesOf(plan: TPlanNode): TPlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Every admin list and lookup on a large seeded history (issue 22): its SQL, taken from the real query
 * builders as they run (a plugin compiles each query the domain function sends), is planned by PostgreSQL with
 * EXPLAIN (FORMAT JSON) and must read the big tables through indexes only: no Seq Scan of users, intents,
 * settlements, commissions, affiliates or ledger_entries, and no Sort of a list (the index gives the order).
 */
describe('admin lists and lookups on a large history', () => {
  let database: TTestDatabase;
  let db: TDb;

  beforeAll(async () => {
    database = await openTestPostgres({ poolMax: 6 });
    db = database.database.db;
    await seedScale(db, { users: USERS, connections: 4 });
  }, 1_200_000);

  afterAll(async () => {
    await database?.cleanup();
  });

  /** Runs `read` with a plugin that keeps each compiled query, then EXPLAINs every one of them. */
  async function plansOf(
    read: (db: TDb) => Promise<unknown>,
  ): Promise<{ sql: string; nodes: TPlanNode[] }[]> {
    const compiled: CompiledQuery[] = [];
    const capture: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        compiled.push(db.getExecutor().compileQuery(node, queryId));
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    await read(db.withPlugin(capture));
    expect(compiled.length).toBeGreaterThan(0);
    const plans = [];
    for (const query of compiled) {
      const explained = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: TPlanNode }] }>({
        ...query,
        sql: `EXPLAIN (FORMAT JSON) ${query.sql}`,
      });
      plans.push({ sql: query.sql, nodes: nodesOf(explained.rows[0]!['QUERY PLAN'][0].Plan) });
    }
    return plans;
  }

  /** `sorts`: a Sort node is allowed (a lookup that finds a handful of rows, or a GROUP BY). */
  async function expectIndexed(
    read: (db: TDb) => Promise<unknown>,
    options: { sorts?: boolean } = {},
  ): Promise<void> {
    for (const plan of await plansOf(read)) {
      const whole = plan.nodes.filter(
        (node) => node['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(node['Relation Name'] ?? ''),
      );
      expect(
        whole.map((node) => node['Relation Name']),
        plan.sql,
      ).toEqual([]);
      const indexed = plan.nodes.filter((node) => /Index/.test(node['Node Type']));
      expect(indexed.length, plan.sql).toBeGreaterThan(0);
      if (!options.sorts) {
        const sorts = plan.nodes.filter((node) => /Sort/.test(node['Node Type']));
        expect(
          sorts.map((node) => node['Node Type']),
          plan.sql,
        ).toEqual([]);
      }
    }
  }

  const page = { limit: 50 };
  const middle = Math.floor(USERS / 2);
  const wallet = seededUserWallet(middle);

  it('seeded rows as the platform writes them (ledger content hash, counts)', async () => {
    const counts = await sql<{ users: number; intents: number; entries: number }>`
      SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM intents)::int AS intents,
             (SELECT count(*) FROM ledger_entries)::int AS entries`.execute(db);
    expect(counts.rows[0]!.users).toBe(USERS);
    expect(counts.rows[0]!.intents).toBeGreaterThan(200_000);
    expect(counts.rows[0]!.entries).toBeGreaterThan(400_000);
    for (const kind of ['revenue', 'commission', 'gas']) {
      const transaction = await db
        .selectFrom('ledger_transactions')
        .selectAll()
        .where('kind', '=', kind)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      const entries = await db
        .selectFrom('ledger_entries')
        .select(['account', 'currency', 'amount'])
        .where('transaction_id', '=', transaction.id)
        .execute();
      expect(
        ledgerContentHash({
          programId: transaction.program_id,
          reference: transaction.reference,
          kind: transaction.kind,
          entries: entries.map((entry) => ({ ...entry, account: entry.account as TAccount })),
        }),
      ).toBe(transaction.content_hash);
    }
  });

  it('users: first page, deep page, by program, wallet, referrer and claim state', async () => {
    const cursor = await scaleCursorOf(db, 'users', middle);
    await expectIndexed((db) => listUsers(db, { programId: null, ...page }));
    await expectIndexed((db) => listUsers(db, { programId: null, ...page, cursor }));
    await expectIndexed((db) => listUsers(db, { programId: DEFAULT_PROGRAM_ID, ...page, cursor }));
    await expectIndexed((db) => listUsers(db, { programId: null, wallet, ...page }));
    const referrer = await db
      .selectFrom('affiliates')
      .select('id')
      .where('code', '=', 'AFF7')
      .executeTakeFirst();
    await expectIndexed((db) => listUsers(db, { programId: null, referredBy: referrer!.id, ...page }));
    await expectIndexed((db) =>
      listUsers(db, { programId: null, claimStatus: 'UNCLAIMED', ...page, cursor }),
    );
  });

  it('intents: first page, deep page, by program, type, status and wallet', async () => {
    const cursor = await scaleCursorOf(db, 'intents', middle);
    await expectIndexed((db) => listIntents(db, { programId: null, ...page }));
    await expectIndexed((db) => listIntents(db, { programId: null, ...page, cursor }));
    await expectIndexed((db) => listIntents(db, { programId: DEFAULT_PROGRAM_ID, ...page }));
    await expectIndexed((db) => listIntents(db, { programId: null, type: 'PAYOUT', ...page }));
    await expectIndexed((db) => listIntents(db, { programId: null, status: 'FAILED', ...page }));
    await expectIndexed((db) => listIntents(db, { programId: null, wallet, ...page }));
  });

  it('settlements: first page, deep page, by kind CLAIM, program, wallet and time range', async () => {
    const cursor = await scaleCursorOf(db, 'settlements', middle);
    await expectIndexed((db) => listSettlements(db, { programId: null, ...page }));
    await expectIndexed((db) => listSettlements(db, { programId: null, ...page, cursor }));
    await expectIndexed((db) => listSettlements(db, { programId: null, kind: 'CLAIM', ...page }));
    await expectIndexed((db) =>
      listSettlements(db, { programId: DEFAULT_PROGRAM_ID, kind: 'CLAIM', ...page }),
    );
    await expectIndexed((db) => listSettlements(db, { programId: DEFAULT_PROGRAM_ID, ...page }));
    await expectIndexed((db) => listSettlements(db, { programId: null, wallet, ...page }));
    await expectIndexed((db) =>
      listSettlements(db, {
        programId: null,
        from: new Date('2025-01-10T00:00:00Z'),
        to: new Date('2025-01-20T00:00:00Z'),
        ...page,
      }),
    );
  });

  it('the settlements export reads by keyset pages', async () => {
    await expectIndexed(async (db) => {
      const pages = exportSettlements(db, { programId: null }, 200);
      await pages.next();
      await pages.next();
      await pages.return();
    });
  });

  it('commissions: first page, deep page, by program, status, affiliate and settlement', async () => {
    const cursor = await scaleCursorOf(db, 'commissions', Math.floor(middle / 2));
    const affiliate = await db
      .selectFrom('affiliates')
      .select('id')
      .where('code', '=', 'AFF3')
      .executeTakeFirst();
    const settlement = await db
      .selectFrom('commissions')
      .select('settlement_id')
      .where('affiliate_id', '=', affiliate!.id)
      .executeTakeFirst();
    await expectIndexed((db) => listCommissions(db, { programId: null, ...page }));
    await expectIndexed((db) => listCommissions(db, { programId: null, ...page, cursor }));
    await expectIndexed((db) => listCommissions(db, { programId: DEFAULT_PROGRAM_ID, ...page }));
    await expectIndexed((db) => listCommissions(db, { programId: null, status: 'PAYABLE', ...page }));
    await expectIndexed((db) =>
      listCommissions(db, { programId: null, affiliateId: affiliate!.id, ...page }),
    );
    // A settlement has one commission per level: the few found by the unique index are sorted.
    await expectIndexed(
      (db) => listCommissions(db, { programId: null, settlementId: settlement!.settlement_id, ...page }),
      { sorts: true },
    );
  });

  it('affiliates: first page, by program, status, code, wallet and parent', async () => {
    const parent = await db
      .selectFrom('affiliates')
      .select('id')
      .where('code', '=', 'AFF12')
      .executeTakeFirst();
    await expectIndexed((db) => listAffiliates(db, { programId: null, ...page }));
    await expectIndexed((db) => listAffiliates(db, { programId: DEFAULT_PROGRAM_ID, ...page }));
    await expectIndexed((db) => listAffiliates(db, { programId: null, status: 'SUSPENDED', ...page }));
    // A code or a wallet is one affiliate per program: the few found by the index are sorted.
    await expectIndexed((db) => listAffiliates(db, { programId: null, code: 'aff1234', ...page }), {
      sorts: true,
    });
    await expectIndexed(
      (db) => listAffiliates(db, { programId: null, wallet: '0x2' + '1'.padStart(39, '0'), ...page }),
      { sorts: true },
    );
    await expectIndexed((db) => listAffiliates(db, { programId: null, parentId: parent!.id, ...page }));
  });

  it('ledger accounts: a page of accounts by a loose index scan (balances summed per account)', async () => {
    await expectIndexed((db) => listAccountBalances(db, { programId: DEFAULT_PROGRAM_ID, limit: 50 }), {
      sorts: true,
    });
    await expectIndexed(
      (db) =>
        listAccountBalances(db, {
          programId: DEFAULT_PROGRAM_ID,
          afterAccount: 'affiliate:ffffffff-ffff-4fff-bfff-ffffffffffff:payable',
          limit: 50,
        }),
      { sorts: true },
    );
  });

  it('the payment gate looks a wallet’s payments up by index', async () => {
    await expectIndexed((db) => hasPaid(db, DEFAULT_PROGRAM_ID, wallet));
  });

  it('the live checks read intents by index: stuck, backlog, and the newest confirmed (processing time)', async () => {
    const now = new Date();
    await expectIndexed((db) => findStuckIntents(db, { timeoutMinutes: 10, now, limit: 50 }), {
      sorts: true,
    });
    await expectIndexed((db) => countIntentBacklog(db, now), { sorts: true });
    // The sample of the newest confirmed intents comes in index order (0021), never a sort of all of them.
    await expectIndexed((db) =>
      checkProcessingTime.run({ db, intentTimeoutMinutes: 10 } as unknown as TReconciliationContext),
    );
  });
});
