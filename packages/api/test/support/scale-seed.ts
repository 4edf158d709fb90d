import { sql } from 'kysely';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import { writeLedgerCheckpoint } from '../../src/domain/ledger/write-ledger-checkpoint';

/**
 * Seeds a platform's history through SQL shaped like the rows the platform writes (issue 22's scale bench and
 * the EXPLAIN test): for user i (0-based), in the default program,
 * - every tenth user index brings an affiliate j = i / 10 (wallet `0x2…j`, code `AFF<j>`), the child of
 *   affiliate j / 10 (a tree about five levels deep); 1 % of them SUSPENDED;
 * - a user (wallet `0x1…i`: digits only, so it is its own EIP-55 checksum), 70 % referred by an earlier
 *   affiliate, registered in mint batches of 500 (a SETTLED `mint_batches` row, its REGISTER intents
 *   CONFIRMED with their settlements, and the batch's gas as a `gas:mint-batch:<id>` ledger transaction);
 * - 65 % of users claimed: a CLAIM intent CONFIRMED, a CLAIM settlement paying the fee (100 USDC) and its
 *   revenue ledger transaction `settlement:<id>` (treasury/revenue, and for one claim in six the SGE
 *   handed out, sge_distributed/sge_vault), and for a referred claimant one commission per level (10 %,
 *   5 %) with its ledger transaction `commission:<id>` (commission_expense/affiliate payable).
 * At 1,000,000 users: 100,000 affiliates, 1.65M intents and settlements, 0.91M commissions, 1.56M ledger
 * transactions and 3.3M entries. Users are 30 s apart from 2025-01-01, so the newest are the highest indexes.
 *
 * Nothing is disabled: every trigger and constraint runs (the ledger's triggers, the affiliate tree check on
 * each insert). Rows go in by `INSERT … SELECT` over generate_series, one database transaction per chunk of
 * `chunkUsers` users for all but the ledger; the chunk's ledger transactions (each one claim's, one
 * commission's or one batch's, as the platform posts them, with ledgerContentHash's content hash computed in
 * SQL) are then committed LEDGER_TRANSACTIONS_PER_COMMIT at a time with their entries, so the deferred balance
 * check runs at each commit and the ledger's per-database-transaction bookkeeping stays small. Commits are
 * asynchronous (synchronous_commit off for the seeding sessions only). Ids are derived from the index
 * (`pg_temp.seed_id(kind, n)`, increasing with n, so inserts append to the primary keys as they would with
 * time-ordered ids; lookups by id cost the same either way), so a seed can be extended to a larger count.
 */
export const SCALE_SEED_START = '2025-01-01T00:00:00Z';
/** Users per mint batch, as the mint worker batches them. */
const BATCH_USERS = 500;
/** The claim fee in USDC's smallest unit (100 USDC), and the two commission levels' rates. */
const FEE = 100_000_000n;
const LEVEL_BPS = [1000n, 500n] as const;
/** SGE handed out by a claim (1,000 SGE) and gas per minted wallet (50,000 gwei). */
const SGE_CLAIMED_WEI = 1_000_000_000_000_000_000_000n;
const GAS_PER_WALLET_WEI = 50_000_000_000_000n;
/** Ledger transactions per seeding commit (see seedLedger). */
const LEDGER_TRANSACTIONS_PER_COMMIT = 100;

/** The wallet of seeded user i (digits only: its EIP-55 form is itself). */
export function seededUserWallet(i: number): string {
  return `0x1${String(i).padStart(39, '0')}`;
}

/** Users already seeded: user i has token id i + 1, so the highest token id (0 for an empty database). */
export async function seededUserCount(db: TDb): Promise<number> {
  const result = await sql<{ n: string | null }>`
    SELECT max(token_id)::text AS n FROM users WHERE program_id = ${DEFAULT_PROGRAM_ID}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Seeds users from the current count up to `users` (a multiple of 500): the affiliates first (one
 * transaction, in tree layers), then chunks of `chunkUsers` users on `connections` connections at once (chunks
 * are independent once the affiliates exist); `progress` hears each finished chunk. Then the ledger's
 * checkpoints up to today (writeLedgerCheckpoint, as the daily job), and ANALYZE, as autovacuum would after a
 * load. An interrupted seed is refused when extended (its chunks have gaps).
 */
export async function seedScale(
  db: TDb,
  options: { users: number; chunkUsers?: number; connections?: number; progress?: (seeded: number) => void },
): Promise<void> {
  const chunk = options.chunkUsers ?? 5_000;
  if (options.users % BATCH_USERS !== 0 || chunk % BATCH_USERS !== 0)
    throw new Error(`seedScale: users and chunkUsers must be multiples of ${BATCH_USERS}`);
  const seeded = await seededUserCount(db);
  const counted = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM users WHERE program_id = ${DEFAULT_PROGRAM_ID}`.execute(db);
  if (counted.rows[0]!.n !== seeded)
    throw new Error(
      `seedScale: ${counted.rows[0]!.n} users but the highest is ${seeded}: an interrupted seed`,
    );
  if (seeded >= options.users) return;
  await onSeedingConnection(db, async (connection) => {
    await connection.transaction().execute(async (tx) => await seedAffiliates(tx, seeded, options.users));
  });
  let next = seeded;
  let done = seeded;
  const worker = async () =>
    await onSeedingConnection(db, async (connection) => {
      while (next < options.users) {
        const from = next;
        const to = Math.min(options.users, from + chunk);
        next = to;
        const ledgerTransactions = await connection
          .transaction()
          .execute(async (tx) => await seedChunk(tx, from, to));
        for (let first = 1; first <= ledgerTransactions; first += LEDGER_TRANSACTIONS_PER_COMMIT) {
          await connection
            .transaction()
            .execute(async (tx) => await seedLedger(tx, first, first + LEDGER_TRANSACTIONS_PER_COMMIT));
        }
        await sql`DROP TABLE seed_ledger`.execute(connection);
        done += to - from;
        options.progress?.(done);
      }
    });
  await Promise.all(Array.from({ length: options.connections ?? 1 }, worker));
  // The daily checkpoint job's work over the seeded days (one checkpoint per account and day with entries), as
  // a history the platform wrote would have it: "as of" balances then start from the day's checkpoint. Without
  // it, the first worker to start writes them while the bench measures (an "as of" read summed all history).
  await writeLedgerCheckpoint(db);
  await sql`ANALYZE`.execute(db);
}

/** Runs `work` on one connection of its own (a chunk's rows wait in temporary tables between transactions). */
async function onSeedingConnection(db: TDb, work: (connection: TDb) => Promise<void>): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`
      CREATE OR REPLACE FUNCTION pg_temp.seed_id(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
      $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$`.execute(
      connection,
    );
    // Durability of each seeding commit is not what the bench measures (as test-database.ts's model tests).
    await sql`SET synchronous_commit TO off`.execute(connection);
    await work(connection);
  });
}

/** The affiliates of users [from, to): affiliate j comes with user 10 j, in layers whose parents (j / 10) exist. */
async function seedAffiliates(db: TDb, from: number, to: number): Promise<void> {
  const P = sql`${sql.lit(DEFAULT_PROGRAM_ID)}::uuid`;
  const T0 = sql`timestamptz ${sql.lit(SCALE_SEED_START)}`;
  for (let low = Math.max(1, from / 10), high = to / 10; low < high; ) {
    const layerEnd = Math.min(high, low * 10);
    await sql`
      INSERT INTO affiliates (id, program_id, wallet, code, parent_id, status, created_at, updated_at)
      SELECT pg_temp.seed_id(1, j), ${P}, '0x2' || lpad(j::text, 39, '0'), 'AFF' || j,
             CASE WHEN j >= 10 THEN pg_temp.seed_id(1, (j / 10)) END,
             CASE WHEN j % 100 = 99 THEN 'SUSPENDED' ELSE 'ACTIVE' END,
             ${T0} + (j * 10) * interval '30 seconds', ${T0} + (j * 10) * interval '30 seconds'
        FROM generate_series(${low}::int, ${layerEnd - 1}::int) j`.execute(db);
    low = layerEnd;
  }
}

/** One chunk's rows but the ledger's, which it leaves in the temporary table seed_ledger; their count. */
async function seedChunk(db: TDb, from: number, to: number): Promise<number> {
  const P = sql`${sql.lit(DEFAULT_PROGRAM_ID)}::uuid`;
  const T0 = sql`timestamptz ${sql.lit(SCALE_SEED_START)}`;
  await sql`
    CREATE TEMP TABLE seed_users ON COMMIT DROP AS
    SELECT i, ${T0} + i * interval '30 seconds' AS t, '0x1' || lpad(i::text, 39, '0') AS wallet,
           CASE WHEN i >= 10 AND i % 10 < 7 THEN 1 + (i::int8 * 7919) % (i / 10) END AS ref,
           i % 20 < 13 AS claimed, i % 6 = 0 AS sge, i / ${sql.lit(BATCH_USERS)} AS batch
      FROM generate_series(${from}::int, ${to - 1}::int) i`.execute(db);
  await sql`
    INSERT INTO users (id, program_id, wallet, referred_by_affiliate_id, token_id, registered_at, claim_status,
                       claimed_at, created_at, updated_at)
    SELECT pg_temp.seed_id(2, i), ${P}, wallet, pg_temp.seed_id(1, ref), i + 1, t + interval '10 minutes',
           CASE WHEN claimed THEN 'CLAIMED' ELSE 'UNCLAIMED' END,
           CASE WHEN claimed THEN t + interval '1 hour' END, t + interval '10 minutes',
           coalesce(CASE WHEN claimed THEN t + interval '1 hour' END, t + interval '10 minutes')
      FROM seed_users`.execute(db);
  await sql`
    INSERT INTO mint_batches (id, program_id, contract_address, status, size, created_at, updated_at, settled_at)
    SELECT pg_temp.seed_id(3, batch), ${P}, '0x' || repeat('5', 40), 'SETTLED', ${sql.lit(BATCH_USERS)},
           min(t), min(t) + interval '10 minutes', min(t) + interval '10 minutes'
      FROM seed_users GROUP BY batch ORDER BY batch`.execute(db);
  await sql`
    INSERT INTO intents (id, program_id, type, idempotency_key, wallet, status, payload, result, attempts,
                         next_attempt_at, created_at, updated_at, confirmed_at, batch_id)
    SELECT pg_temp.seed_id(4, i), ${P}, 'REGISTER', 'register:' || ${P} || ':' || wallet, wallet, 'CONFIRMED',
           jsonb_build_object('affiliateId', pg_temp.seed_id(1, ref), 'proofVerifiedAt', t + interval '5 minutes'),
           jsonb_build_object('tokenId', (i + 1)::text), 1, t, t, t + interval '10 minutes',
           t + interval '10 minutes', pg_temp.seed_id(3, batch)
      FROM seed_users
    UNION ALL
    SELECT pg_temp.seed_id(5, i), ${P}, 'CLAIM', 'claim:' || ${P} || ':' || wallet, wallet, 'CONFIRMED',
           jsonb_build_object('txHash', '0x' || md5('ctx:' || i) || md5('ctx2:' || i)), NULL, 1,
           t + interval '1 hour', t + interval '1 hour', t + interval '61 minutes', t + interval '61 minutes', NULL
      FROM seed_users WHERE claimed`.execute(db);
  await sql`
    INSERT INTO settlements (id, program_id, intent_id, kind, wallet, tx_hash, block_number, block_hash, log_index,
                             amount, currency, details, verified_at, created_at)
    SELECT pg_temp.seed_id(6, i), ${P}, pg_temp.seed_id(4, i), 'REGISTER', wallet,
           '0x' || md5('mtx:' || batch) || md5('mtx2:' || batch), 1000 + batch,
           '0x' || md5('mblk:' || batch) || md5('mblk2:' || batch), i % ${sql.lit(BATCH_USERS)},
           ${sql.lit(GAS_PER_WALLET_WEI.toString())}::numeric, 'ETH',
           jsonb_build_object('batchId', pg_temp.seed_id(3, batch), 'tokenId', (i + 1)::text,
                              'alreadyHeld', false, 'gasShareWei', ${sql.lit(GAS_PER_WALLET_WEI.toString())}),
           t + interval '20 minutes', t + interval '10 minutes'
      FROM seed_users
    UNION ALL
    SELECT pg_temp.seed_id(7, i), ${P}, pg_temp.seed_id(5, i), 'CLAIM', wallet,
           '0x' || md5('ctx:' || i) || md5('ctx2:' || i), 2000000 + i, '0x' || md5('cblk:' || i) || md5('cblk2:' || i),
           0, ${sql.lit(FEE.toString())}::numeric, 'USDC', '{}'::jsonb, t + interval '70 minutes', t + interval '1 hour'
      FROM seed_users WHERE claimed`.execute(db);
  await sql`
    CREATE TEMP TABLE seed_commissions ON COMMIT DROP AS
    SELECT u.i, l.level, l.bps, l.affiliate, u.t + interval '1 hour' AS t,
           pg_temp.seed_id(8, u.i * 2 + l.level) AS id,
           (${sql.lit(FEE.toString())}::numeric * l.bps / 10000)::numeric(78, 0) AS amount
      FROM seed_users u
      CROSS JOIN LATERAL (VALUES (1, ${sql.lit(LEVEL_BPS[0].toString())}::numeric, u.ref),
                                 (2, ${sql.lit(LEVEL_BPS[1].toString())}::numeric, CASE WHEN u.ref >= 10 THEN u.ref / 10 END))
                         AS l(level, bps, affiliate)
     WHERE u.claimed AND l.affiliate IS NOT NULL`.execute(db);
  await sql`
    INSERT INTO commissions (id, program_id, settlement_id, affiliate_id, level, rate_bps, base_amount, amount,
                             currency, status, payable_at, created_at, updated_at)
    SELECT id, ${P}, pg_temp.seed_id(7, i), pg_temp.seed_id(1, affiliate), level, bps, ${sql.lit(FEE.toString())}::numeric,
           amount, 'USD', CASE WHEN t + interval '14 days' <= now() THEN 'PAYABLE' ELSE 'ACCRUED' END,
           t + interval '14 days', t, t
      FROM seed_commissions`.execute(db);
  // Ledger transactions, each as postLedgerTransaction writes it: the content hash is ledgerContentHash's
  // (SHA-256 of {"v":1,"kind":…,"reversesId":null,"lines":[…]} with the "account|currency|amount" lines sorted).
  await sql`
    CREATE TEMP TABLE seed_ledger AS
    SELECT row_number() OVER () AS k, * FROM (
    SELECT pg_temp.seed_id(9, i) AS id, 'settlement:' || pg_temp.seed_id(7, i) AS reference, 'revenue' AS kind,
           'claim fee from ' || wallet AS description, t + interval '1 hour' AS t,
           CASE WHEN sge THEN ARRAY[['revenue', 'USDC', ${sql.lit((-FEE).toString())}],
                                    ['sge_distributed', 'SGE', ${sql.lit(SGE_CLAIMED_WEI.toString())}],
                                    ['sge_vault', 'SGE', ${sql.lit((-SGE_CLAIMED_WEI).toString())}],
                                    ['treasury', 'USDC', ${sql.lit(FEE.toString())}]]
                ELSE ARRAY[['revenue', 'USDC', ${sql.lit((-FEE).toString())}], ['treasury', 'USDC', ${sql.lit(FEE.toString())}]] END
             AS lines
      FROM seed_users WHERE claimed
    UNION ALL
    SELECT pg_temp.seed_id(10, i * 2 + level), 'commission:' || id, 'commission',
           'level ' || level || ' commission (' || bps || ' bps) on settlement ' || pg_temp.seed_id(7, i), t,
           ARRAY[['affiliate:' || pg_temp.seed_id(1, affiliate) || ':payable', 'USD', (-amount)::text],
                 ['commission_expense', 'USD', amount::text]]
      FROM seed_commissions
    UNION ALL
    SELECT pg_temp.seed_id(11, batch), 'gas:mint-batch:' || pg_temp.seed_id(3, batch), 'gas',
           'gas of mint batch ' || pg_temp.seed_id(3, batch), min(t) + interval '10 minutes',
           ARRAY[['gas_expense', 'ETH', ${sql.lit((GAS_PER_WALLET_WEI * BigInt(BATCH_USERS)).toString())}],
                 ['relayer', 'ETH', ${sql.lit((-GAS_PER_WALLET_WEI * BigInt(BATCH_USERS)).toString())}]]
      FROM seed_users GROUP BY batch) ledger`.execute(db);
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM seed_ledger`.execute(db);
  return count.rows[0]!.n;
}

/**
 * Ledger transactions k in [first, end) of seed_ledger with their entries, in one database transaction: the
 * ledger's triggers remember each ledger transaction a database transaction opened (0003-money.ts), a cost
 * that grows with their number, so they are committed a few hundred at a time, as the platform posts them.
 */
async function seedLedger(db: TDb, first: number, end: number): Promise<void> {
  const P = sql`${sql.lit(DEFAULT_PROGRAM_ID)}::uuid`;

  await sql`
    INSERT INTO ledger_transactions (id, program_id, reference, kind, description, content_hash, created_at)
    SELECT id, ${P}, reference, kind, description,
           encode(sha256(convert_to(
             '{"v":1,"kind":"' || kind || '","reversesId":null,"lines":[' ||
             (SELECT string_agg('"' || lines[n][1] || '|' || lines[n][2] || '|' || lines[n][3] || '"', ','
                                ORDER BY lines[n][1] COLLATE "C", lines[n][2] COLLATE "C", n)
                FROM generate_subscripts(lines, 1) n) || ']}', 'UTF8')), 'hex'),
           t
      FROM seed_ledger WHERE k >= ${first} AND k < ${end}`.execute(db);
  await sql`
    INSERT INTO ledger_entries (transaction_id, program_id, account, currency, amount, created_at)
    SELECT l.id, ${P}, l.lines[n][1], l.lines[n][2], l.lines[n][3]::numeric, l.t
      FROM seed_ledger l CROSS JOIN LATERAL generate_subscripts(l.lines, 1) n
     WHERE l.k >= ${first} AND l.k < ${end}`.execute(db);
}

/**
 * A list cursor (domain/pagination.ts's format) at the `position`-th oldest row of a table: a deep page's
 * starting point, as a client paging far back would hold it.
 */
export async function scaleCursorOf(
  db: TDb,
  table: 'users' | 'intents' | 'settlements' | 'commissions' | 'affiliates',
  position: number,
): Promise<string> {
  const result = await sql<{ micros: string; id: string }>`
    SELECT (extract(epoch from created_at) * 1000000)::int8::text AS micros, id
      FROM ${sql.table(table)} ORDER BY created_at, id OFFSET ${position} LIMIT 1`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error(`scaleCursorOf: ${table} has no row ${position}`);
  return Buffer.from(`${row.micros}.${row.id}`).toString('base64url');
}
