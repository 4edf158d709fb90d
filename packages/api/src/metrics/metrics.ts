import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric the code exports, registered once per process. Label sets are bounded: queue
 * names, intent types and statuses, HTTP methods, route patterns (never raw URLs) and status codes.
 */
export type TMetrics = ReturnType<typeof createMetrics>;

export type TMetricSources = {
  /** Relayer balance in wei, or null when unknown. */
  relayerBalanceWei(): Promise<bigint | null>;
  queueDepths(): Promise<Record<string, number>>;
};

const WEI_PER_ETH = 10n ** 18n;

/** wei → ETH as a float, for a gauge only (exact amounts never go through floats elsewhere). */
export function weiToEthFloat(wei: bigint): number {
  return Number(wei / WEI_PER_ETH) + Number(wei % WEI_PER_ETH) / 1e18;
}

export function createMetrics(sources: TMetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

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

  return {
    registry,
    httpRequestDuration,
    intentsTotal,
    registrationsTotal,
    settlementDuration,
    webhookVerificationFailuresTotal,
  };
}
