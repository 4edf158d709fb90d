import type { TReconciliationRunSummary } from '@sge/shared';
import type { useAdminAction } from '../admin/action-result';
import { ConfirmButton } from '../admin/confirm-button';
import { reconciliationClient } from './reconciliation-client';

type TStart = ReturnType<typeof useAdminAction<'run' | 'full'>>;

/** Starts a run (what is new since the last run) or the full re-check (all history); the workers perform it. */
export async function startRun(mode: 'run' | 'full'): Promise<string> {
  if (mode === 'run') {
    const started = await reconciliationClient.runNow();
    return `Reconciliation run ${started.id} queued for the workers.`;
  }
  const started = await reconciliationClient.fullRecheck();
  return `Full re-check ${started.id} queued for the workers.`;
}

/**
 * The reconciliation page's actions: run now and the full re-check (asked to confirm: it reads every
 * settlement and ledger entry again), each disabled while one is being started.
 */
export function RunControls({ start }: { start: TStart }) {
  return (
    <>
      <button
        type="button"
        className="button button--primary"
        data-testid="run-now"
        disabled={start.isPending}
        onClick={() => start.mutate('run')}
      >
        {start.isPending && start.variables === 'run' ? 'Starting…' : 'Run reconciliation now'}
      </button>
      <span data-testid="full-recheck">
        <ConfirmButton
          label="Full re-check"
          question="Re-check all history? This reads every settlement and ledger entry again."
          pending={start.isPending && start.variables === 'full'}
          pendingLabel="Starting…"
          disabled={start.isPending}
          onConfirm={() => start.mutate('full')}
        />
      </span>
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
