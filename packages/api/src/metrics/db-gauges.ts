import { RECONCILIATION_CHECKS } from '@sge/shared';
import { Gauge, type Registry } from 'prom-client';
import type { TIntentType } from '../db/schema';
import { weiToEthFloat } from './wei-to-eth';

/**
 * Gauges read from PostgreSQL at scrape time, so every API replica (and worker) reports the same values
 * whichever one Prometheus scrapes — alert rules take `max` over instances. Reads are cached briefly
 * (DB_GAUGE_CACHE_MS; the ledger sums LEDGER_GAUGE_CACHE_MS) and shared by concurrent scrapes; a failed read
 * keeps the previous values. Label values are bounded: program slugs (at most PROGRAMS_METRICS_MAX),
 * the five currencies, intent types, payout batch statuses, webhook providers, reconciliation check names.
 *
 * | metric                                              | what                                                      |
 * |-----------------------------------------------------|-----------------------------------------------------------|
 * | sge_ledger_balance{program,currency}                | sum of the maintained balances (0 when balanced)          |
 * | sge_stuck_intents{type}                             | intents PROCESSING longer than INTENT_TIMEOUT_MINUTES     |
 * | sge_intent_backlog{type}                            | PENDING intents whose next attempt is due                 |
 * | sge_workers_alive                                   | worker heartbeats fresher than HEARTBEAT_STALE_MS         |
 * | sge_workers_stale                                   | heartbeats gone stale in the last WORKER_STALE_WINDOW_MS  |
 * | sge_payout_batches_open{status}                     | payout batches PENDING_APPROVAL/APPROVED/EXECUTING/FAILED |
 * | sge_webhook_events_failed{provider}                 | webhook events FAILED (processing did not commit)         |
 * | sge_reconciliation_last_run_timestamp_seconds       | when the newest finished reconciliation run finished      |
 * | sge_reconciliation_last_run_duration_seconds        | how long it took                                          |
 * | sge_reconciliation_check_status{check}              | its result per check: 0 OK, 1 WARN, 2 FAIL, 3 ERROR       |
 * | sge_reconciliation_findings{check}                  | its findings per check                                    |
 * | sge_relayer_fees_paid_eth{component}                 | fees of mined relayer transactions: l2_execution (gas ×   |
 * |                                                     | price), l1_data (OP-stack L1 data fee, migration 0018)    |
 */
export const DB_GAUGE_CACHE_MS = 5_000;
export const LEDGER_GAUGE_CACHE_MS = 30_000;
/** Programs whose ledger balances are exported (by slug order); a platform with more sees the first ones. */
export const PROGRAMS_METRICS_MAX = 200;
/** A worker heartbeat that went stale within this window counts as a dead worker (WorkerDown). */
export const WORKER_STALE_WINDOW_MS = 3_600_000;
/** Webhook providers exported by sge_webhook_events_failed (there are two today). */
export const WEBHOOK_PROVIDERS_MAX = 20;

/**
 * Where the gauges' figures come from: readers of PostgreSQL, which are queries and so live in the domain
 * (domain/monitoring/database-gauge-source.ts); the composition root hands them over. Each is called at most
 * once per cache period, however many scrapes arrive.
 */
export type TDatabaseGaugeSource = {
  readLedgerTotals(): Promise<{ slug: string; currency: string; sum: bigint }[]>;
  readOperationalFigures(now: Date): Promise<TOperationalFigures>;
  readSponsorshipBudgets(): Promise<TSponsorshipFigures>;
  readRelayerFees(): Promise<{ execution: bigint; l1: bigint }>;
  /** GLOBAL_DAILY_GAS_BUDGET_WEI (null or absent: none), for sge_sponsorship_paused. */
  globalDailyGasBudgetWei?: bigint | null;
};

/** Whether a daily sponsorship budget is crossed, overall and per budgeted program. */
export type TSponsorshipFigures = {
  globalGasPaused: boolean;
  programs: ReadonlyMap<string, { slug: string; mintsRemaining: number | null; gasPaused: boolean }>;
};

const CHECK_STATUS_VALUE = { OK: 0, WARN: 1, FAIL: 2, ERROR: 3 } as const;

export type TOperationalFigures = {
  stuck: Record<TIntentType, number>;
  backlog: Record<TIntentType, number>;
  workersAlive: number;
  workersStale: number;
  batches: { status: string; n: number }[];
  webhookFailures: { provider: string; n: number }[];
  reconciliation: {
    finishedAt: Date | null;
    durationSeconds: number | null;
    checks: { name: string; status: keyof typeof CHECK_STATUS_VALUE; findingCount: number }[];
  } | null;
};

/** A read cached for `ttlMs`, shared by concurrent callers; a failure returns the last good value (or throws). */
function cachedRead<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T | null> {
  let value: T | null = null;
  let readAt = 0;
  let inFlight: Promise<T | null> | null = null;
  return async () => {
    if (value !== null && Date.now() - readAt < ttlMs) return value;
    inFlight ??= Promise.resolve()
      .then(read)
      .then((fresh) => {
        value = fresh;
        readAt = Date.now();
        return fresh;
      })
      .catch(() => value)
      .finally(() => {
        inFlight = null;
      });
    return await inFlight;
  };
}

/** Registers the database-derived gauges on `registry`. */
export function registerDatabaseGauges(registry: Registry, source: TDatabaseGaugeSource): void {
  const ledger = cachedRead(LEDGER_GAUGE_CACHE_MS, () => source.readLedgerTotals());
  const operational = cachedRead(DB_GAUGE_CACHE_MS, () => source.readOperationalFigures(new Date()));

  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (set: (labels: Record<L, string>, value: number) => void, figures: TOperationalFigures) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const figures = await operational();
        if (!figures) return;
        this.reset();
        fill(
          (labels, value) => (labelNames.length === 0 ? this.set(value) : this.set(labels as never, value)),
          figures,
        );
      },
    });

  // Sponsored minting paused by a daily budget (issue 18): 1 while crossed, 0 otherwise, per budgeted program
  // (its slug) and budget (mints_per_day, gas_per_day), and program "all" for global_gas_per_day. The mint
  // workers read the same figures (domain/registration/sponsorship-budgets.ts) before claiming a batch.
  const sponsorship = cachedRead(DB_GAUGE_CACHE_MS, () => source.readSponsorshipBudgets());
  new Gauge({
    name: 'sge_sponsorship_paused',
    help: 'Sponsored minting paused by a daily budget (1) or not (0), by program and budget',
    labelNames: ['program', 'budget'] as const,
    registers: [registry],
    async collect() {
      const budgets = await sponsorship();
      if (!budgets) return;
      this.reset();
      if (source.globalDailyGasBudgetWei != null)
        this.set({ program: 'all', budget: 'global_gas_per_day' }, budgets.globalGasPaused ? 1 : 0);
      for (const program of budgets.programs.values()) {
        this.set({ program: program.slug, budget: 'mints_per_day' }, program.mintsRemaining === 0 ? 1 : 0);
        this.set({ program: program.slug, budget: 'gas_per_day' }, program.gasPaused ? 1 : 0);
      }
    },
  });

  // What the relayer's mined transactions cost, split as the chain charges it (chain/l1-fees.ts): on OP-stack
  // chains most of a mint's cost is the L1 data fee. Arbitrum's L1 component is inside gas used, so l2_execution.
  const relayerFees = cachedRead(LEDGER_GAUGE_CACHE_MS, () => source.readRelayerFees());
  new Gauge({
    name: 'sge_relayer_fees_paid_eth',
    help: 'ETH the relayer paid for its mined transactions, by component: l2_execution (gas used × price) and l1_data (OP-stack L1 data fee)',
    labelNames: ['component'] as const,
    registers: [registry],
    async collect() {
      const fees = await relayerFees();
      if (!fees) return;
      this.set({ component: 'l2_execution' }, weiToEthFloat(fees.execution));
      this.set({ component: 'l1_data' }, weiToEthFloat(fees.l1));
    },
  });

  new Gauge({
    name: 'sge_ledger_balance',
    help: 'Sum of the maintained ledger balances per program and currency in the smallest unit (0 when the ledger balances)',
    labelNames: ['program', 'currency'] as const,
    registers: [registry],
    async collect() {
      const rows = await ledger();
      if (!rows) return;
      this.reset();
      for (const row of rows)
        this.set({ program: row.slug, currency: row.currency }, Number(BigInt(row.sum)));
    },
  });
  gauge(
    'sge_stuck_intents',
    'Intents PROCESSING longer than INTENT_TIMEOUT_MINUTES, by type',
    ['type'],
    (set, f) => {
      for (const [type, n] of Object.entries(f.stuck)) set({ type }, n);
    },
  );
  gauge('sge_intent_backlog', 'PENDING intents whose next attempt is due, by type', ['type'], (set, f) => {
    for (const [type, n] of Object.entries(f.backlog)) set({ type }, n);
  });
  gauge('sge_workers_alive', 'Worker processes whose heartbeat is fresh', [], (set, f) =>
    set({}, f.workersAlive),
  );
  gauge(
    'sge_workers_stale',
    'Worker processes whose heartbeat went stale within the last hour without a clean exit (crashed)',
    [],
    (set, f) => set({}, f.workersStale),
  );
  gauge('sge_payout_batches_open', 'Payout batches not finished, by status', ['status'], (set, f) => {
    for (const status of ['PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'FAILED']) {
      set({ status }, f.batches.find((row) => row.status === status)?.n ?? 0);
    }
  });
  gauge(
    'sge_webhook_events_failed',
    'Webhook events whose processing failed (retried), by provider',
    ['provider'],
    (set, f) => {
      for (const row of f.webhookFailures) set({ provider: row.provider }, row.n);
    },
  );
  gauge(
    'sge_reconciliation_last_run_timestamp_seconds',
    'When the newest finished reconciliation run finished (Unix time)',
    [],
    (set, f) => {
      if (f.reconciliation?.finishedAt) set({}, f.reconciliation.finishedAt.getTime() / 1000);
    },
  );
  gauge(
    'sge_reconciliation_last_run_duration_seconds',
    'How long the newest finished reconciliation run took',
    [],
    (set, f) => {
      if (f.reconciliation?.durationSeconds != null) set({}, f.reconciliation.durationSeconds);
    },
  );
  gauge(
    'sge_reconciliation_check_status',
    'Result of each check in the newest finished reconciliation run: 0 OK, 1 WARN, 2 FAIL, 3 ERROR',
    ['check'],
    (set, f) => {
      for (const check of f.reconciliation?.checks ?? []) {
        if ((RECONCILIATION_CHECKS as readonly string[]).includes(check.name)) {
          set({ check: check.name }, CHECK_STATUS_VALUE[check.status]);
        }
      }
    },
  );
  gauge(
    'sge_reconciliation_findings',
    'Findings of each check in the newest finished reconciliation run',
    ['check'],
    (set, f) => {
      for (const check of f.reconciliation?.checks ?? []) {
        if ((RECONCILIATION_CHECKS as readonly string[]).includes(check.name)) {
          set({ check: check.name }, check.findingCount);
        }
      }
    },
  );
}
