import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ActionResult, latestResult, useAdminAction } from '../../components/admin/action-result';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { StatusBadge } from '../../components/reconciliation/check-card';
import { LiveChecks } from '../../components/reconciliation/live-checks';
import {
  RECONCILIATION_REFRESH_INTERVAL_MS,
  reconciliationClient,
} from '../../components/reconciliation/reconciliation-client';
import { RunControls, RunProgress, startRun } from '../../components/reconciliation/run-controls';
import { RunHistory } from '../../components/reconciliation/run-history';
import { RunResults } from '../../components/reconciliation/run-results';
import '../../components/reconciliation/reconciliation.css';
import { ADMIN_SCREENS } from './admin-operations';

/**
 * /admin/reconciliation: the newest reconciliation run (ledger status and every check's findings, run now,
 * history with each run's results) and the live operational view — stuck intents with a retry button,
 * queue depth, worker heartbeats, processing time, pending payout batches, webhook failures. Refreshes
 * itself every 30 s. Signed in through the /admin layout (the admin key kept in sessionStorage).
 */
export function ReconciliationPage() {
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
  const start = useAdminAction(startRun, ['admin', 'reconciliation']);
  const retry = useAdminAction(
    async (intentId: string) => {
      await reconciliationClient.retryStuckIntent(
        intentId,
        reason.trim() || 'retried from the reconciliation page',
      );
      return `Intent ${intentId} is PENDING again.`;
    },
    ['admin', 'reconciliation'],
  );
  const run = latest.data;

  return (
    <section aria-labelledby="reconciliation-heading">
      <h2 id="reconciliation-heading">{ADMIN_SCREENS.reconciliation.label}</h2>
      <div className="admin-filters">
        <RunControls start={start} />
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
      <ActionResult result={latestResult([start, retry])} />
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
      {run && <RunResults run={run} skip={live.data?.checks.map((check) => check.name) ?? []} />}

      <h3>Now</h3>
      {live.data && (
        <p className="muted">Checked {live.data.checkedAt.slice(11, 19)} UTC; refreshes every 30 s.</p>
      )}
      {live.data && <LiveChecks live={live.data} retry={retry} />}

      <RunHistory />
    </section>
  );
}
