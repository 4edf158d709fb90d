import type { TReconciliationCheckResult, TReconciliationLive } from '@sge/shared';
import type { useAdminAction } from '../admin/action-result';
import { CheckCard, FigureTable } from './check-card';
import { figureRecord } from './figures';
import { WorkersTable } from './workers-table';

type TRetry = ReturnType<typeof useAdminAction<string>>;

/**
 * The operational checks computed now: stuck intents (each with a Retry), queue depth, worker heartbeats,
 * processing time, open payout batches, webhook failures.
 */
export function LiveChecks({ live, retry }: { live: TReconciliationLive; retry: TRetry }) {
  const check = (name: string): TReconciliationCheckResult | undefined =>
    live.checks.find((item) => item.name === name);
  const stuck = check('stuck_intents');
  const queues = check('queue_depth');
  const workers = check('worker_heartbeats');
  const processing = check('processing_time');
  const batches = check('pending_payout_batches');
  const webhooks = check('webhook_failures');
  return (
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
                disabled={retry.isPending}
                onClick={() => retry.mutate(finding.action!.intentId)}
              >
                {retry.isPending && retry.variables === finding.action.intentId ? 'Retrying…' : 'Retry'}
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
          <WorkersTable check={workers} />
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
  );
}
