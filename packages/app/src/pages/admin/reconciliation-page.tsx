import type { TReconciliationCheckResult } from '@sge/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ActionResult, runAction, type TActionResult } from '../../components/admin/action-result';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { CheckCard, FigureTable, StatusBadge } from '../../components/reconciliation/check-card';
import {
  RECONCILIATION_REFRESH_INTERVAL_MS,
  reconciliationClient,
} from '../../components/reconciliation/reconciliation-client';
import { RunControls, RunProgress } from '../../components/reconciliation/run-controls';
import '../../components/reconciliation/reconciliation.css';

type TFigures = Record<string, unknown>;
const figureRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const figureList = (value: unknown): TFigures[] => (Array.isArray(value) ? (value as TFigures[]) : []);

/**
 * /admin/reconciliation: the newest reconciliation run (ledger status and every check's findings, run now,
 * history) and the live operational view — stuck intents with a retry button, queue depth, worker
 * heartbeats, processing time, pending payout batches, webhook failures. Refreshes itself every 30 s.
 * Signed in through the /admin layout (the admin key kept in sessionStorage).
 */
export function ReconciliationPage() {
  const queryClient = useQueryClient();
  const [result, setResult] = useState<TActionResult>(null);
  const [reason, setReason] = useState('');
  const live = useQuery({
    queryKey: ['admin', 'reconciliation', 'live'],
    queryFn: ({ signal }) => reconciliationClient.live({ signal }),
    refetchInterval: RECONCILIATION_REFRESH_INTERVAL_MS,
  });
  const latest = useQuery({
    queryKey: ['admin', 'reconciliation', 'latest'],
    queryFn: ({ signal }) => reconciliationClient.latest({ signal }),
    refetchInterval: (query) =>
      query.state.data?.status === 'RUNNING' ? 2_000 : RECONCILIATION_REFRESH_INTERVAL_MS,
  });
  const runs = useQuery({
    queryKey: ['admin', 'reconciliation', 'runs'],
    queryFn: ({ signal }) => reconciliationClient.runs({ signal }),
    refetchInterval: RECONCILIATION_REFRESH_INTERVAL_MS,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'reconciliation'] });
  const liveCheck = (name: string): TReconciliationCheckResult | undefined =>
    live.data?.checks.find((check) => check.name === name);
  const run = latest.data;
  const ledger = run?.checks.find((check) => check.name === 'ledger');
  const moneyChecks = run?.checks.filter((check) => check.name !== 'ledger' && !liveCheck(check.name)) ?? [];

  const stuck = liveCheck('stuck_intents');
  const queues = liveCheck('queue_depth');
  const workers = liveCheck('worker_heartbeats');
  const processing = liveCheck('processing_time');
  const batches = liveCheck('pending_payout_batches');
  const webhooks = liveCheck('webhook_failures');

  return (
    <section aria-labelledby="reconciliation-heading">
      <h2 id="reconciliation-heading">Reconciliation</h2>
      <div className="admin-filters">
        <RunControls setResult={setResult} refresh={refresh} />
        <div className="field">
          <label htmlFor="retry-reason" className="field__label">
            Reason (for retry)
          </label>
          <input
            id="retry-reason"
            className="field__input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      <ActionResult result={result} />
      {live.error && <ApiErrorAlert error={live.error} lastGoodAtMs={null} retryNote="" />}
      {latest.error && <ApiErrorAlert error={latest.error} lastGoodAtMs={null} retryNote="" />}

      <h3>Latest run</h3>
      {run === null && (
        <p data-testid="no-run">
          No reconciliation run yet: the first runs at the next scheduled slot, or now.
        </p>
      )}
      {run && (
        <p data-testid="latest-run">
          Run {run.id} ({run.trigger.toLowerCase()}, by {run.requestedBy}) started{' '}
          {run.startedAt.slice(0, 19).replace('T', ' ')} UTC: <StatusBadge status={run.status} />{' '}
          {run.findingCount} finding(s)
          {run.error ? ` — ${run.error}` : ''}
        </p>
      )}
      {run && <RunProgress run={run} />}
      <div className="recon-checks">
        {ledger && (
          <CheckCard check={ledger}>
            <FigureTable
              caption={
                ledger.figures.mode === 'INCREMENTAL'
                  ? 'Sum of the entries checked in this run per program and currency (0 when balanced)'
                  : 'Sum of all entries per program and currency (0 when balanced)'
              }
              rows={Object.entries(figureRecord(ledger.figures.totals)).flatMap(([program, totals]) =>
                Object.entries(figureRecord(totals)).map(([currency, sum]): [string, string] => [
                  `${program} ${currency}`,
                  String(sum),
                ]),
              )}
            />
          </CheckCard>
        )}
        {moneyChecks.map((check) => (
          <CheckCard key={check.name} check={check} />
        ))}
      </div>

      <h3>Now</h3>
      {live.data && (
        <p className="muted">Checked {live.data.checkedAt.slice(11, 19)} UTC; refreshes every 30 s.</p>
      )}
      <div className="recon-checks">
        {stuck && (
          <CheckCard
            check={stuck}
            action={(finding) =>
              finding.action && (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="retry-stuck"
                  onClick={() =>
                    runAction(setResult, async () => {
                      await reconciliationClient.retryStuckIntent(
                        finding.action!.path,
                        reason.trim() || 'retried from the reconciliation page',
                      );
                      await refresh();
                      return `Intent ${finding.action!.intentId} is PENDING again.`;
                    })
                  }
                >
                  Retry
                </button>
              )
            }
          />
        )}
        {queues && (
          <CheckCard check={queues}>
            <FigureTable
              caption="Jobs waiting per queue"
              rows={Object.entries(figureRecord(queues.figures.depths)).map(
                ([queue, depth]): [string, string] => [
                  queue,
                  `${depth}${figureRecord(queues.figures.paused)[queue] ? ' (paused)' : ''}`,
                ],
              )}
            />
            <FigureTable
              caption="PENDING intents due per type"
              rows={Object.entries(figureRecord(queues.figures.pendingIntents)).map(
                ([type, n]): [string, string] => [type, String(n)],
              )}
            />
          </CheckCard>
        )}
        {workers && (
          <CheckCard check={workers}>
            <div className="table-scroll">
              <table className="data-table" data-testid="workers">
                <thead>
                  <tr>
                    <th scope="col">Worker</th>
                    <th scope="col">Role</th>
                    <th scope="col">Host / pid</th>
                    <th scope="col">Last heartbeat</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {figureList(workers.figures.workers).map((worker) => (
                    <tr key={String(worker.workerId)}>
                      <td className="mono break">{String(worker.workerId)}</td>
                      <td>{String(worker.role)}</td>
                      <td>
                        {String(worker.host)} / {String(worker.pid)}
                      </td>
                      <td>{String(worker.ageSeconds)} s ago</td>
                      <td>{worker.alive ? 'alive' : 'stale'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </CheckCard>
        )}
        {processing && (
          <CheckCard check={processing}>
            <FigureTable
              caption="Average processing time by type (last confirmed intents)"
              rows={Object.entries(figureRecord(processing.figures.byType)).map(
                ([type, value]): [string, string] => {
                  const entry = figureRecord(value);
                  return [type, `${Number(entry.averageSeconds).toFixed(2)} s over ${String(entry.count)}`];
                },
              )}
            />
          </CheckCard>
        )}
        {batches && (
          <CheckCard check={batches}>
            <FigureTable
              caption="Open payout batches by status"
              rows={Object.entries(figureRecord(batches.figures.byStatus)).map(
                ([status, n]): [string, string] => [status, String(n)],
              )}
            />
          </CheckCard>
        )}
        {webhooks && <CheckCard check={webhooks} />}
      </div>

      <h3>History</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="runs">
          <thead>
            <tr>
              <th scope="col">Started (UTC)</th>
              <th scope="col">Trigger</th>
              <th scope="col">By</th>
              <th scope="col">Status</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.items.map((item) => (
              <tr key={item.id}>
                <td>{item.startedAt.slice(0, 19).replace('T', ' ')}</td>
                <td>{item.trigger}</td>
                <td>{item.requestedBy}</td>
                <td>
                  <StatusBadge status={item.status} />
                </td>
                <td>{item.findingCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
