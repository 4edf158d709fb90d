import { sql } from 'kysely';
import { loadConfig } from '../src/config';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { createLogger } from '../src/logging/logger';
import { startPlatform } from '../src/platform';
import { startRealStack } from '../test/support/real-chain';

/**
 * `npm run bench:overview [-- --rows 20000 --requests 200]`
 *
 * The overview endpoint (GET /api/admin/overview?range=30d, all programs and one program) with 1× and 10× the
 * data, in Real mode (PostgreSQL, Redis, anvil for the relayer fund check). The data are registrations (users
 * with registered_at) and claims (CLAIM intents and settlements) spread over the last two years, written by SQL
 * so the rollup triggers (0019) keep the rollups as the application's writes do. `requests` sequential GETs of
 * each after 20 warm-up ones; prints one JSON object with p50/p99 at 1× and 10×, the ratio of the p50s (target
 * ≤ 2), and, for contrast, the same 30-day figures counted from the facts with count/sum.
 */
const SEED_CHUNK_ROWS = 50_000;
const SPREAD_DAYS = 730;
const WARMUP_REQUESTS = 20;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0) * 100) / 100;
  return { requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function main() {
  const rows = argument('rows', 20_000);
  const requests = argument('requests', 200);
  const stack = await startRealStack();
  const adminKey = 'bench-admin-key-0123456789abcdef0123456789';
  const config = loadConfig({
    ...stack.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RECONCILIATION_SCHEDULE: 'off',
    ADMIN_API_KEYS: `bench:${adminKey}`,
  });
  const platform = await startPlatform(config, createLogger({ level: 'silent' }));
  const { db } = platform.runtime.database;

  /** Registrations and claims number `from`..`to`, one of each per number, spread over SPREAD_DAYS. */
  async function seed(from: number, to: number) {
    for (let start = from; start <= to; start += SEED_CHUNK_ROWS) {
      const end = Math.min(to, start + SEED_CHUNK_ROWS - 1);
      await sql`
        INSERT INTO users (program_id, wallet, registered_at, claim_status, claimed_at)
        SELECT ${DEFAULT_PROGRAM_ID}::uuid, '0x' || lpad(to_hex(g), 40, '0'),
               now() - (g % ${SPREAD_DAYS}) * interval '1 day', 'CLAIMED', now()
          FROM generate_series(${start}::int, ${end}::int) g`.execute(db);
      await sql`
        WITH i AS (
          INSERT INTO intents (program_id, type, idempotency_key, wallet, status, created_at, updated_at, confirmed_at)
          SELECT ${DEFAULT_PROGRAM_ID}::uuid, 'CLAIM', 'bench-claim:' || g, '0x' || lpad(to_hex(g), 40, '0'),
                 'CONFIRMED', now() - (g % ${SPREAD_DAYS}) * interval '1 day', now(), now()
            FROM generate_series(${start}::int, ${end}::int) g
          RETURNING id, wallet, created_at, substr(idempotency_key, 13)::int AS g)
        INSERT INTO settlements (program_id, intent_id, kind, wallet, tx_hash, block_number, log_index, amount,
                                 currency, details, verified_at, created_at)
        SELECT ${DEFAULT_PROGRAM_ID}::uuid, i.id, 'CLAIM', i.wallet, '0x' || lpad(to_hex(i.g), 64, '0'), 1, 0,
               1000000, 'USDC', '{}', now(), i.created_at
          FROM i`.execute(db);
    }
    await sql`ANALYZE`.execute(db);
  }

  async function measure(path: string) {
    const url = `${platform.url}${path}`;
    const samples: number[] = [];
    for (let index = 0; index < WARMUP_REQUESTS + requests; index++) {
      const started = performance.now();
      const response = await fetch(url, { headers: { 'x-admin-key': adminKey } });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      if (index >= WARMUP_REQUESTS) samples.push(performance.now() - started);
    }
    return stats(samples);
  }

  /** The same 30-day registrations and claims counted from the facts, for contrast (grows with the data). */
  async function factsQueryMs() {
    const started = performance.now();
    await sql`
      SELECT (SELECT count(*) FROM users WHERE registered_at >= now() - interval '30 days'),
             (SELECT count(*) FROM settlements WHERE kind = 'CLAIM' AND created_at >= now() - interval '30 days'),
             (SELECT sum(amount) FROM settlements WHERE kind = 'CLAIM' AND created_at >= now() - interval '30 days')`.execute(
      db,
    );
    return Math.round((performance.now() - started) * 100) / 100;
  }

  async function round(label: string) {
    const counts = await sql<{ facts: string; rollups: string }>`
      SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM settlements) AS facts,
             (SELECT count(*) FROM daily_rollups) AS rollups`.execute(db);
    return {
      label,
      factRows: Number(counts.rows[0]!.facts),
      rollupRows: Number(counts.rows[0]!.rollups),
      allPrograms: await measure('/api/admin/overview?range=30d'),
      oneProgram: await measure(`/api/admin/overview?programId=${DEFAULT_PROGRAM_ID}&range=30d`),
      factsQueryMs: await factsQueryMs(),
    };
  }

  try {
    const seedStarted = performance.now();
    await seed(1, rows);
    const one = await round('1x');
    await seed(rows + 1, rows * 10);
    const ten = await round('10x');
    const ratio = (a: number, b: number) => Math.round((b / a) * 100) / 100;
    const ratioAll = ratio(one.allPrograms.p50Ms, ten.allPrograms.p50Ms);
    const ratioOne = ratio(one.oneProgram.p50Ms, ten.oneProgram.p50Ms);
    console.log(
      JSON.stringify(
        {
          bench: 'overview',
          rowsPerFactAt1x: rows,
          seedMs: Math.round(performance.now() - seedStarted),
          oneX: one,
          tenX: ten,
          p50RatioAllPrograms: ratioAll,
          p50RatioOneProgram: ratioOne,
          factsQueryRatio: ratio(one.factsQueryMs, ten.factsQueryMs),
          targetRatioMax: 2,
          withinTarget: ratioAll <= 2 && ratioOne <= 2,
        },
        null,
        2,
      ),
    );
  } finally {
    await platform.stop();
    await stack.stop();
  }
}

await main();
