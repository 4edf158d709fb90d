import { randomUUID } from 'node:crypto';
import { openDatabase } from '../src/db/client';
import { migrateToLatest } from '../src/db/migrate';
import { DEFAULT_PROGRAM_ID } from '../src/db/migrations/0001-core-schema';
import { ACCOUNTS, affiliatePayableAccount, type TAccount } from '../src/domain/ledger/accounts';
import { postLedgerTransaction, type TLedgerEntryInput } from '../src/domain/ledger/post-ledger-transaction';
import { verifyLedger } from '../src/domain/ledger/verify-ledger';
import { createTestPostgres } from '../test/support/postgres';
import { measureBalanceReads, measureTriggerLinearity } from './ledger-scale';

/**
 * `npm run bench:ledger [-- --seconds 10 --writers 16]`
 *
 * Balanced 4-entry ledger transactions per second on PostgreSQL (a fresh database of its own, dropped at the
 * end), with `writers` concurrent writers each posting one transaction at a time through
 * postLedgerTransaction (the same code the platform uses: validation, content hash, one statement, the
 * database's deferred balance check at commit):
 * - spread: every transaction touches 4 accounts drawn from SPREAD_ACCOUNT_COUNT affiliate accounts;
 * - hot: every transaction debits the one `treasury` account (and credits revenue; plus a USD pair).
 * Prints one JSON object. Targets (issue 5): ≥ 2,000/s spread, ≥ 500/s hot.
 *
 * Then (issue 22, bench/ledger-scale.ts), each on a fresh database of its own:
 * - triggerLinearity: 1,000 / 10,000 / 30,000 ledger transactions posted in ONE database transaction, ms and
 *   ms per transaction relative to the smallest (≈1 when the ledger's checks are linear in its size), and
 *   the same with 0003's checks up to `--before-max` (default 10,000; 30,000 took 36.6 s on an idle machine);
 * - balanceReads: balance now / as of yesterday, accounts page, the gauge's totals, incremental verify, at
 *   growing ledger sizes (`--max-entries`, default 1,000,000), ms and the ratio to the smallest size, next to
 *   the same balance summed over the entries as it was before 0013. `--scale-only` skips the throughput part.
 */
const SPREAD_ACCOUNT_COUNT = 10_000;
/** Seconds each scenario runs before its measurement starts (connections, caches). */
const WARMUP_SECONDS = 1;
/**
 * Seconds of unmeasured load before the first scenario: a fresh database's first writes split index pages
 * from empty and write full-page images to the WAL; the figures are for a ledger in steady state.
 */
const PRELOAD_SECONDS = 4;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

type TScenarioResult = {
  transactions: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
};

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.floor(sorted.length * fraction));
  return Math.round(sorted[index]! * 100) / 100;
}

async function main() {
  const seconds = argument('seconds', 10);
  const writers = argument('writers', 16);
  const maxEntries = argument('max-entries', 1_000_000);
  const beforeMax = argument('before-max', 10_000);
  const scale = async () => ({
    triggerLinearity: await measureTriggerLinearity([1_000, 10_000, 30_000], beforeMax),
    balanceReads: await measureBalanceReads(
      [10_000, 100_000, 1_000_000].filter((size) => size <= maxEntries),
    ),
  });
  if (process.argv.includes('--scale-only')) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'ledger', ...(await scale()) }, null, 2)}\n`);
    return;
  }
  const postgres = await createTestPostgres();
  const database = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: writers });
  try {
    await migrateToLatest(database.db);
    const affiliates = Array.from({ length: SPREAD_ACCOUNT_COUNT }, () =>
      affiliatePayableAccount(randomUUID()),
    );
    const pick = () => affiliates[Math.floor(Math.random() * affiliates.length)]!;
    const amount = () => BigInt(1 + Math.floor(Math.random() * 1_000_000));

    const spreadEntries = (): TLedgerEntryInput[] => {
      const usdc = amount();
      const usd = amount();
      return [
        { account: pick(), currency: 'USDC', amount: usdc },
        { account: pick(), currency: 'USDC', amount: -usdc },
        { account: pick(), currency: 'USD', amount: usd },
        { account: pick(), currency: 'USD', amount: -usd },
      ];
    };
    const hotEntries = (): TLedgerEntryInput[] => {
      const usdc = amount();
      const usd = usdc / 10n + 1n;
      return [
        { account: ACCOUNTS.treasury, currency: 'USDC', amount: usdc },
        { account: ACCOUNTS.revenue, currency: 'USDC', amount: -usdc },
        { account: ACCOUNTS.commissionExpense, currency: 'USD', amount: usd },
        { account: pick() as TAccount, currency: 'USD', amount: -usd },
      ];
    };

    const run = async (
      name: string,
      entries: () => TLedgerEntryInput[],
      measuredSeconds = seconds,
    ): Promise<TScenarioResult> => {
      const warmupEnd = performance.now() + WARMUP_SECONDS * 1000;
      const end = warmupEnd + measuredSeconds * 1000;
      const latencies: number[] = [];
      let errors = 0;
      let measuredStart = 0;
      const writer = async (index: number) => {
        for (let i = 0; ; i++) {
          const started = performance.now();
          if (started >= end) return;
          try {
            await postLedgerTransaction(database.db, {
              programId: DEFAULT_PROGRAM_ID,
              reference: `bench:${name}:${index}:${i}`,
              kind: 'bench',
              entries: entries(),
            });
          } catch {
            errors++;
            continue;
          }
          const finished = performance.now();
          if (started >= warmupEnd && finished <= end) latencies.push(finished - started);
        }
      };
      measuredStart = warmupEnd;
      await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
      const elapsedSeconds = (end - measuredStart) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        transactions: latencies.length,
        perSecond: Math.round(latencies.length / elapsedSeconds),
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
        errors,
      };
    };

    await run('preload', () => (Math.random() < 0.5 ? spreadEntries() : hotEntries()), PRELOAD_SECONDS);
    const spread = await run('spread', spreadEntries);
    const hot = await run('hot', hotEntries);
    const verification = await verifyLedger(database.db, DEFAULT_PROGRAM_ID);
    const scaleFigures = await scale();
    const version = await database.db
      .selectNoFrom((eb) => eb.fn<string>('version', []).as('version'))
      .executeTakeFirstOrThrow();
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'ledger',
          engine: version.version.split(' ').slice(0, 2).join(' '),
          writers,
          entriesPerTransaction: 4,
          secondsPerScenario: seconds,
          spreadAccounts: SPREAD_ACCOUNT_COUNT,
          spread,
          hot,
          // The ledger after both runs: every transaction balanced, every currency summing to zero.
          ledgerTransactions: verification.transactionCount,
          unbalancedTransactions: verification.unbalancedTransactions.length,
          currencyTotalsZero: verification.totals.every((row) => row.sum === 0n),
          targets: { spreadPerSecond: 2000, hotPerSecond: 500 },
          targetsMet: spread.perSecond >= 2000 && hot.perSecond >= 500,
          ...scaleFigures,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await database.close();
    await postgres.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
