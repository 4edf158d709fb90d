import type { TOperationalFigures } from '../../metrics/db-gauges';
import { WEBHOOK_PROVIDERS_MAX, WORKER_STALE_WINDOW_MS } from '../../metrics/db-gauges';
import type { TDbExecutor } from '../in-transaction';
import { countIntentBacklog } from '../reconciliation/count-intent-backlog';
import { countStuckIntents } from '../reconciliation/find-stuck-intents';
import { listWorkerHeartbeats } from '../reconciliation/list-worker-heartbeats';
import { getLatestReconciliationRun } from '../reconciliation/reconciliation-runs';

/**
 * The operational figures the scrape-time gauges export (metrics/db-gauges.ts): stuck intents and backlog by
 * type, live and crashed workers, open payout batches, failed webhook events, and the newest finished
 * reconciliation run with its checks.
 */
export async function readOperationalFigures(
  db: TDbExecutor,
  input: { intentTimeoutMinutes: number; now: Date },
): Promise<TOperationalFigures> {
  const { now } = input;
  const [stuck, backlog, heartbeats, batches, webhooks, latest] = await Promise.all([
    countStuckIntents(db, { timeoutMinutes: input.intentTimeoutMinutes, now }),
    countIntentBacklog(db, now),
    listWorkerHeartbeats(db, { now, windowMs: WORKER_STALE_WINDOW_MS, limit: 10_000 }),
    db
      .selectFrom('payout_batches')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'FAILED'])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('webhook_events')
      .select(['provider', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'FAILED')
      .groupBy('provider')
      .orderBy('provider')
      .limit(WEBHOOK_PROVIDERS_MAX)
      .execute(),
    getLatestReconciliationRun(db, { finished: true }),
  ]);
  return {
    stuck,
    backlog,
    workersAlive: heartbeats.filter((worker) => worker.alive).length,
    workersStale: heartbeats.filter((worker) => !worker.alive).length,
    batches: batches.map((row) => ({ status: row.status, n: Number(row.n) })),
    webhookFailures: webhooks.map((row) => ({ provider: row.provider, n: Number(row.n) })),
    reconciliation: latest
      ? {
          finishedAt: latest.finishedAt ? new Date(latest.finishedAt) : null,
          durationSeconds: latest.finishedAt
            ? (new Date(latest.finishedAt).getTime() - new Date(latest.startedAt).getTime()) / 1000
            : null,
          checks: latest.checks.map((check) => ({
            name: check.name,
            status: check.status,
            findingCount: check.findingCount,
          })),
        }
      : null,
  };
}
