import type { TReconciliationRunSummary } from '@sge/shared';
import { runAction, type TActionResult } from '../admin/action-result';
import { reconciliationClient } from './reconciliation-client';

/**
 * The reconciliation page's actions: run now (what is new since the last run) and the full re-check (all
 * history, asked to confirm), both performed by the workers; and the running run's progress.
 */
export function RunControls(props: {
  setResult: (result: TActionResult) => void;
  refresh: () => Promise<unknown>;
}) {
  const { setResult, refresh } = props;
  return (
    <>
      <button
        type="button"
        className="button button--primary"
        data-testid="run-now"
        onClick={() =>
          runAction(setResult, async () => {
            const started = await reconciliationClient.runNow();
            await refresh();
            return `Reconciliation run ${started.id} queued for the workers.`;
          })
        }
      >
        Run reconciliation now
      </button>
      <button
        type="button"
        className="button"
        data-testid="full-recheck"
        onClick={() => {
          if (!window.confirm('Re-check all history? This reads every settlement and ledger entry again.'))
            return;
          void runAction(setResult, async () => {
            const started = await reconciliationClient.fullRecheck();
            await refresh();
            return `Full re-check ${started.id} queued for the workers.`;
          });
        }}
      >
        Full re-check
      </button>
    </>
  );
}

/** "ledger: 1,200 / 10,000 checked" for a running run with progress; nothing otherwise. */
export function RunProgress(props: { run: TReconciliationRunSummary }) {
  const { run } = props;
  if (run.status !== 'RUNNING') return null;
  if (!run.progress) return <p data-testid="run-progress">Waiting for a worker…</p>;
  const { check, checked, total } = run.progress;
  return (
    <p data-testid="run-progress">
      {run.mode === 'FULL' ? 'Full re-check' : 'Run'} in progress — {check}: {checked.toLocaleString('en')}
      {total === null ? '' : ` / ${total.toLocaleString('en')}`} checked
    </p>
  );
}
