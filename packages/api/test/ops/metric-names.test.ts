import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { databaseGaugeSource } from '../../src/domain/monitoring/database-gauge-source';
import { createMetrics } from '../../src/metrics/metrics';
import { DASHBOARDS_DIR, dashboardFiles, metricNamesIn, PROMETHEUS_DIR } from './ops-paths';

/** Series Prometheus itself writes for each scrape target (not exported by the code). */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** Every series name the code's registry exports: histograms as _bucket, _sum and _count. */
function exportedSeriesNames(): Set<string> {
  const { registry } = createMetrics({
    relayerBalanceWei: async () => null,
    queueDepths: async () => ({}),
    // A registry with the database gauges registered (never collected here: nothing is scraped).
    database: databaseGaugeSource(null as never, { intentTimeoutMinutes: 10 }),
    replicaLagSeconds: async () => 0,
  });
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    // Read the name without collecting (collecting would query the database).
    const { name } = metric as unknown as { name: string };
    if (metric instanceof Histogram || metric instanceof Summary) {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    } else {
      names.add(name);
    }
  }
  return names;
}

type TExpression = { where: string; expr: string };

function alertExpressions(): TExpression[] {
  const rules = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      where: `alerts.yml ${rule.alert ?? rule.record}`,
      expr: String(rule.expr),
    })),
  );
}

function dashboardExpressions(): TExpression[] {
  const found: TExpression[] = [];
  for (const file of dashboardFiles()) {
    const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
      panels: { title: string; targets?: { expr?: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr)
          found.push({
            where: `${file.slice(DASHBOARDS_DIR.length + 1)} "${panel.title}"`,
            expr: target.expr,
          });
      }
    }
  }
  return found;
}

describe('metric names in alert rules and dashboards', () => {
  it('reads the metric names of a PromQL expression, not its functions, labels or keywords', () => {
    expect(
      metricNamesIn(
        'sum by (le, type) (rate(sge_settlement_duration_seconds_bucket{type="REGISTER"}[5m])) / on (type) group_left max without (instance) (sge_queue_depth) > bool 0',
      ),
    ).toEqual(['sge_queue_depth', 'sge_settlement_duration_seconds_bucket']);
    expect(metricNamesIn('time() - max(sge_reconciliation_last_run_timestamp_seconds) > 93600')).toEqual([
      'sge_reconciliation_last_run_timestamp_seconds',
    ]);
  });

  it('every alert rule and dashboard panel queries only metrics the code exports', async () => {
    const exported = exportedSeriesNames();
    const expressions = [...alertExpressions(), ...dashboardExpressions()];
    expect(expressions.length).toBeGreaterThan(30);
    const unknown: string[] = [];
    for (const { where, expr } of expressions) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where} reads no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        if (!exported.has(name) && !PROMETHEUS_SERIES.has(name)) unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('the four dashboards exist, each with a unique uid, on the provisioned Prometheus datasource', () => {
    const files = dashboardFiles().map((file) => file.slice(DASHBOARDS_DIR.length + 1));
    expect(files).toEqual(['financial.json', 'infrastructure.json', 'overview.json', 'settlement.json']);
    const uids = new Set<string>();
    for (const file of dashboardFiles()) {
      const dashboard = JSON.parse(readFileSync(file, 'utf8'));
      uids.add(dashboard.uid);
      for (const panel of dashboard.panels)
        expect(panel.datasource?.uid, `${file} ${panel.title}`).toBe('prometheus');
    }
    expect(uids.size).toBe(4);
  });

  it('the alert rules include every rule SPEC §8 and issue 7 name, each with a promtool test', () => {
    const names = alertExpressions().map((rule) => rule.where.replace('alerts.yml ', ''));
    for (const required of [
      'RelayerLowBalance',
      'LedgerImbalance',
      'StuckIntents',
      'QueueBacklog',
      'WorkerDown',
      'HighErrorRate',
    ]) {
      expect(names).toContain(required);
    }
    const tests = readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8');
    for (const name of names) expect(tests, `alerts.test.yml tests ${name}`).toContain(`alertname: ${name}`);
  });
});
