import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../../src/config/repo-root';

/** ops/ of the repository: Prometheus configuration and rules, Grafana dashboards and provisioning. */
export const OPS_DIR = join(findRepoRoot(), 'ops');
export const PROMETHEUS_DIR = join(OPS_DIR, 'prometheus');
export const ALERTMANAGER_DIR = join(OPS_DIR, 'alertmanager');
export const DASHBOARDS_DIR = join(OPS_DIR, 'grafana', 'dashboards');

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(DASHBOARDS_DIR, name));
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions (followed by `(`),
 * keywords, label names (inside `{}` or a `by (...)` clause), strings, durations or Grafana variables.
 *
 * @example
 * metricNamesIn('sum by (type) (rate(sge_intents_total{status="FAILED"}[5m]))') // ['sge_intents_total']
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice(match.index! + name.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (PROMQL_WORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    names.add(name);
  }
  return [...names].sort();
}
