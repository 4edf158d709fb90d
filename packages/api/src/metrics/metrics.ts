import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { registerDatabaseGauges, type TDatabaseGaugeSource } from './db-gauges';
import { weiToEthFloat } from './wei-to-eth';

/**
 * Every Prometheus metric the code exports, registered once per process. Label sets are bounded: queue
 * names, intent types and statuses, HTTP methods, route patterns (never raw URLs) and status codes.
 *
 * | metric                                          | kind      | labels               | where it is counted            |
 * |-------------------------------------------------|-----------|----------------------|--------------------------------|
 * | sge_relayer_balance_eth                         | gauge     |                      | chain snapshot at scrape       |
 * | sge_relayer_fees_paid_eth                       | gauge     | component            | PostgreSQL at scrape (db-gauges)|
 * | sge_queue_depth                                 | gauge     | queue                | every queue (QUEUE_NAMES)      |
 * | sge_http_request_duration_seconds               | histogram | method, route, status| http/server.ts onResponse      |
 * | sge_http_requests_total                         | counter   | route, status        | http/server.ts onResponse      |
 * | sge_intents_total                               | counter   | type, status         | register route, processors     |
 * | sge_registrations_total                         | counter   |                      | settle-mint-batch.ts           |
 * | sge_settlement_duration_seconds                 | histogram | type                 | processors at confirmation     |
 * | sge_webhook_verification_failures_total         | counter   | provider             | Commerce webhook route         |
 * | sge_claims_total                                | counter   | token                | claim record route and watcher |
 * | sge_ledger_balance, sge_stuck_intents, sge_intent_backlog, sge_workers_alive, sge_workers_stale,       |
 * | sge_payout_batches_open, sge_webhook_events_failed, sge_reconciliation_*, sge_sponsorship_paused:      |
 * | from PostgreSQL at scrape                                                                             |
 * | (metrics/db-gauges.ts), the same on every replica                                                     |
 * | sge_db_replica_lag_seconds, sge_db_replica_up   | gauge     |                      | the read replica at scrape     |
 *
 * Plus Node's default process metrics (process_*, nodejs_*).
 */
export type TMetrics = ReturnType<typeof createMetrics>;

export type TMetricSources = {
  /** Relayer balance in wei, or null when unknown. */
  relayerBalanceWei(): Promise<bigint | null>;
  queueDepths(): Promise<Record<string, number>>;
  /** Every queue name: each one is exported, 0 when this process has not seen it (replicas agree). */
  queueNames?: readonly string[];
  /** Gauges derived from the database (none when absent, e.g. a registry built only to list names). */
  database?: TDatabaseGaugeSource;
  /** The read replica's lag in seconds (null: unreachable); absent without DATABASE_READ_URL. */
  replicaLagSeconds?: () => Promise<number | null>;
};

export { weiToEthFloat };

export function createMetrics(sources: TMetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Three of prom-client's default metrics are gauges with a counter's `_total` suffix, which `promtool check
  // metrics` rejects; their per-type breakdowns (`nodejs_active_handles` etc.) stay and carry the same numbers.
  for (const name of [
    'nodejs_active_resources_total',
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
  ]) {
    registry.removeSingleMetric(name);
  }

  new Gauge({
    name: 'sge_relayer_balance_eth',
    help: 'Relayer hot wallet balance in ETH',
    registers: [registry],
    async collect() {
      const wei = await sources.relayerBalanceWei();
      if (wei !== null) this.set(weiToEthFloat(wei));
    },
  });

  new Gauge({
    name: 'sge_queue_depth',
    help: 'Jobs waiting or delayed per queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const depths = await sources.queueDepths();
      for (const queue of sources.queueNames ?? []) this.set({ queue }, depths[queue] ?? 0);
      for (const [queue, depth] of Object.entries(depths)) this.set({ queue }, depth);
    },
  });

  const httpRequestDuration = new Histogram({
    name: 'sge_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const httpRequestsTotal = new Counter({
    name: 'sge_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status code (HighErrorRate)',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });

  const intentsTotal = new Counter({
    name: 'sge_intents_total',
    help: 'Intents reaching a status, by type and status',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });

  const registrationsTotal = new Counter({
    name: 'sge_registrations_total',
    help: 'SGE-IDs settled (registrations confirmed)',
    registers: [registry],
  });

  const settlementDuration = new Histogram({
    name: 'sge_settlement_duration_seconds',
    help: 'Time from an intent being accepted to its settlement being confirmed, by intent type',
    labelNames: ['type'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });

  // Webhook deliveries refused because their signature is missing or wrong (POST /api/commerce/webhook).
  const webhookVerificationFailuresTotal = new Counter({
    name: 'sge_webhook_verification_failures_total',
    help: 'Webhook deliveries refused for a missing or wrong signature, by provider',
    labelNames: ['provider'] as const,
    registers: [registry],
  });

  // Claims recorded (by POST /api/claim/record or the chain watcher), by the stablecoin the fee was paid in.
  const claimsTotal = new Counter({
    name: 'sge_claims_total',
    help: 'SGE claims recorded (verified on-chain), by fee token',
    labelNames: ['token'] as const,
    registers: [registry],
  });

  if (sources.database) registerDatabaseGauges(registry, sources.database);
  const replicaLagSeconds = sources.replicaLagSeconds;
  if (replicaLagSeconds) {
    new Gauge({
      name: 'sge_db_replica_lag_seconds',
      help: 'Seconds the read replica (DATABASE_READ_URL) is behind the primary: age of its last replayed transaction, 0 when caught up',
      registers: [registry],
      async collect() {
        const lag = await replicaLagSeconds();
        if (lag !== null) this.set(lag);
      },
    });
    new Gauge({
      name: 'sge_db_replica_up',
      help: '1 when the read replica answered the last scrape, 0 when it did not (admin lists and stats fail meanwhile)',
      registers: [registry],
      async collect() {
        this.set((await replicaLagSeconds()) === null ? 0 : 1);
      },
    });
  }

  return {
    registry,
    httpRequestDuration,
    httpRequestsTotal,
    intentsTotal,
    registrationsTotal,
    settlementDuration,
    webhookVerificationFailuresTotal,
    claimsTotal,
  };
}
