import { sql } from 'kysely';
import { openDatabase, type TDatabase } from '../src/db/client';
import { migrateToLatest, rollbackOne } from '../src/db/migrate';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { ACCOUNTS } from '../src/domain/ledger/accounts';
import { getAccountBalance, listAccountBalances } from '../src/domain/ledger/get-balances';
import {
  postLedgerTransactions,
  type TPostLedgerTransactionInput,
} from '../src/domain/ledger/post-ledger-transaction';
import { readLedgerTotals } from '../src/domain/ledger/read-ledger-totals';
import { verifyLedger } from '../src/domain/ledger/verify-ledger';
import { writeLedgerCheckpoint } from '../src/domain/ledger/write-ledger-checkpoint';
import { createTestPostgres } from '../test/support/postgres';

/**
 * The scale half of `npm run bench:ledger` (issue 22): how the ledger's costs grow with its size, on
 * PostgreSQL, each measurement on a fresh database of its own (dropped at the end).
 */
const programId = DEFAULT_PROGRAM_ID;
const DAY_MS = 86_400_000;
/** Ledger transactions per statement when posting in bulk, and per database transaction when seeding. */
const POST_CHUNK = 1_000;
const SEED_CHUNK = 25_000;
/** Timed calls per read (after one unmeasured call); the median is reported. */
const READ_RUNS = 5;

async function withDatabase<T>(work: (database: TDatabase) => Promise<T>): Promise<T> {
  const postgres = await createTestPostgres();
  const database = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 2 });
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
    await postgres.drop();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Posts `count` two-entry ledger transactions in ONE database transaction (POST_CHUNK per statement). */
async function postInOneTransaction(database: TDatabase, count: number, prefix: string): Promise<number> {
  const started = performance.now();
  await database.db.transaction().execute(async (tx) => {
    for (let from = 0; from < count; from += POST_CHUNK) {
      const inputs: TPostLedgerTransactionInput[] = Array.from(
        { length: Math.min(POST_CHUNK, count - from) },
        (_, index) => ({
          programId,
          reference: `${prefix}:${from + index}`,
          kind: 'bench',
          entries: [
            { account: ACCOUNTS.treasury, currency: 'USDC', amount: BigInt(from + index + 1) },
            { account: ACCOUNTS.revenue, currency: 'USDC', amount: -BigInt(from + index + 1) },
          ],
        }),
      );
      await postLedgerTransactions(tx, programId, inputs);
    }
  });
  return performance.now() - started;
}

/**
 * Ledger transactions posted in one database transaction, at each size: with this branch's checks (0013) and,
 * for comparison, with 0003's (the database rolled back one migration), whose per-entry check searched a
 * string that grew with every ledger transaction (only up to `beforeMax`: quadratic, 30,000 take minutes).
 */
export async function measureTriggerLinearity(sizes: number[], beforeMax: number) {
  const run = async (before: boolean) => {
    const figures: { transactions: number; ms: number; ratioPerTransaction: number }[] = [];
    for (const size of sizes.filter((candidate) => !before || candidate <= beforeMax)) {
      const ms = await withDatabase(async (database) => {
        if (before) await rollbackOne(database.db);
        await postInOneTransaction(database, 200, 'warmup');
        return await postInOneTransaction(database, size, 'bench');
      });
      const first = figures[0] ?? { transactions: size, ms };
      figures.push({
        transactions: size,
        ms: Math.round(ms),
        ratioPerTransaction: round(ms / size / (first.ms / first.transactions)),
      });
    }
    return figures;
  };
  return { with0013: await run(false), before0013: await run(true) };
}

/**
 * Seeds `entries` ledger entries through the ledger's own triggers (SQL shaped like the platform's postings:
 * half revenue on treasury/revenue in USDC, half commissions on commission_expense and one of entries/20
 * affiliate payables in USD), dated over the last 30 days, then writes the checkpoints of today's midnight.
 */
async function seed(database: TDatabase, entries: number): Promise<void> {
  const transactions = entries / 2;
  const affiliates = Math.max(1, Math.floor(entries / 20));
  for (let from = 0; from < transactions; from += SEED_CHUNK) {
    const to = Math.min(transactions, from + SEED_CHUNK) - 1;
    await database.db.transaction().execute(async (tx) => {
      await sql`
        WITH header AS (
          INSERT INTO ledger_transactions (program_id, reference, kind, content_hash, created_at)
          SELECT ${programId}::uuid, 'seed:' || g, 'seed', 'seed:' || g,
                 now() - (random() * interval '30 days')
            FROM generate_series(${from}::int, ${to}::int) g
          RETURNING id, reference, created_at
        )
        INSERT INTO ledger_entries (transaction_id, program_id, account, currency, amount, created_at)
        SELECT header.id, ${programId}::uuid, line.account, line.currency, line.amount, header.created_at
          FROM header
          CROSS JOIN LATERAL (SELECT split_part(header.reference, ':', 2)::int AS g) n
          CROSS JOIN LATERAL (VALUES
            (CASE WHEN n.g % 2 = 0 THEN 'treasury' ELSE 'commission_expense' END,
             CASE WHEN n.g % 2 = 0 THEN 'USDC' ELSE 'USD' END, (n.g % 1000000 + 1)::numeric),
            (CASE WHEN n.g % 2 = 0 THEN 'revenue'
                  ELSE 'affiliate:' || md5((n.g % ${affiliates})::text)::uuid || ':payable' END,
             CASE WHEN n.g % 2 = 0 THEN 'USDC' ELSE 'USD' END, -(n.g % 1000000 + 1)::numeric)
          ) AS line(account, currency, amount)`.execute(tx);
    });
  }
  await sql`VACUUM ANALYZE`.execute(database.db);
  await writeLedgerCheckpoint(database.db);
}

async function median(read: () => Promise<unknown>): Promise<number> {
  await read();
  const times: number[] = [];
  for (let run = 0; run < READ_RUNS; run++) {
    const started = performance.now();
    await read();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)]!);
}

/** Read times at each ledger size, and their ratio to the smallest size. */
export async function measureBalanceReads(sizes: number[]) {
  const rows: { entries: number; seedSeconds: number; ms: Record<string, number> }[] = [];
  for (const entries of sizes) {
    rows.push(
      await withDatabase(async (database) => {
        const { db } = database;
        const seeding = performance.now();
        await seed(database, entries);
        const seedSeconds = Math.round((performance.now() - seeding) / 1000);
        const yesterday = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS / 2);
        const treasury = { programId, account: ACCOUNTS.treasury, currency: 'USDC' as const };
        const summed = (asOf: Date | null) => sql`
          SELECT coalesce(sum(amount), 0) FROM ledger_entries
           WHERE program_id = ${programId} AND account = 'treasury' AND currency = 'USDC'
             ${asOf ? sql`AND created_at <= ${asOf}` : sql``}`;
        const ms = {
          balanceNow: await median(() => getAccountBalance(db, treasury)),
          balanceAsOfYesterday: await median(() => getAccountBalance(db, { ...treasury, asOf: yesterday })),
          accountsPage: await median(() => listAccountBalances(db, { programId, limit: 50 })),
          accountsPageAsOfYesterday: await median(() =>
            listAccountBalances(db, { programId, asOf: yesterday, limit: 50 }),
          ),
          gaugeTotals: await median(() => readLedgerTotals(db, 200)),
          verifyIncremental: await median(() => verifyLedger(db, programId, { mode: 'incremental' })),
          // For comparison: the same balance summed over its entries, as every read did before 0013.
          summedBalanceNow: await median(() => summed(null).execute(db)),
          summedBalanceAsOfYesterday: await median(() => summed(yesterday).execute(db)),
        };
        return { entries, seedSeconds, ms };
      }),
    );
  }
  const first = rows[0]!;
  return rows.map((row) => ({
    ...row,
    ratioToSmallest: Object.fromEntries(
      Object.entries(row.ms).map(([name, ms]) => [
        name,
        round(ms / Math.max(first.ms[name as keyof typeof first.ms]!, 0.1)),
      ]),
    ),
  }));
}
