import { useQuery } from '@tanstack/react-query';
import { formatEther } from 'viem/utils';
import { adminClient } from '../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../../components/admin/action-result';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/** Gwei with up to three decimals, for fees. */
const gwei = (wei: string) => `${(Number(BigInt(wei) / 1_000_000n) / 1_000).toLocaleString('en')} gwei`;

/**
 * /admin/operations: the relayer's fund check (balance, what it still pays for, refill thresholds) and the
 * job queues (depth, pause, resume). Platform-wide: admin keys only.
 */
export function OperationsPage() {
  const funds = useQuery({
    queryKey: ['admin', 'fund-check'],
    queryFn: ({ signal }) => adminClient.fundCheck({ signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const queues = useQuery({
    queryKey: ['admin', 'queues'],
    queryFn: ({ signal }) => adminClient.queues({ signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const toggle = useAdminAction(
    async (queue: { name: string; paused: boolean }) => {
      const after = await adminClient.setQueuePaused(queue.name, !queue.paused);
      return `Queue ${after.name} ${after.paused ? 'paused: its jobs wait until it is resumed' : 'resumed'}.`;
    },
    ['admin', 'queues'],
  );
  const f = funds.data;
  return (
    <section aria-labelledby="operations-heading">
      <h2 id="operations-heading">{ADMIN_SCREENS.operations.label}</h2>
      {funds.error && <ApiErrorAlert error={funds.error} lastGoodAtMs={null} retryNote="" />}
      {f && (
        <div
          className={`card${f.critical ? ' notice--critical' : f.warning ? ' notice--warning' : ''}`}
          data-testid="fund-check"
        >
          <h3 className="card__title">
            Relayer {f.critical ? '— critical: refill now' : f.warning ? '— low: refill soon' : ''}
          </h3>
          <p className="mono break">
            {f.address} (chain {f.chainId}, {f.feeModel})
          </p>
          <p>
            Balance <strong data-testid="relayer-balance">{f.balanceEth} ETH</strong>; warning below{' '}
            {f.warningEth} ETH, critical below {f.criticalEth} ETH.
          </p>
          <p>
            One SGE-ID mint costs {formatEther(BigInt(f.costPerMintWei))} ETH (gas {f.mintGasEstimate} × next
            base fee {gwei(f.nextBaseFeeWei)} + priority {gwei(f.priorityFeeWei)}
            {f.l1FeePerMintWei !== '0' ? `, plus L1 ${formatEther(BigInt(f.l1FeePerMintWei))} ETH` : ''}):
            about{' '}
            <strong data-testid="mints-remaining">{BigInt(f.mintsRemaining).toLocaleString('en')}</strong>{' '}
            mints left. {f.pendingTransactions} transaction(s) pending.
          </p>
        </div>
      )}
      <h3>Queues</h3>
      <ActionResult result={latestResult([toggle])} />
      {queues.error && <ApiErrorAlert error={queues.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Jobs waiting</th>
              <th scope="col">State</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {queues.data?.items.map((queue) => (
              <tr key={queue.name} data-testid="queue-row" data-queue={queue.name}>
                <td>{queue.name}</td>
                <td>{queue.depth}</td>
                <td data-testid="queue-state">{queue.paused ? 'paused' : 'running'}</td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={toggle.isPending}
                    onClick={() => toggle.mutate(queue)}
                  >
                    {toggle.isPending && toggle.variables?.name === queue.name
                      ? 'Saving…'
                      : `${queue.paused ? 'Resume' : 'Pause'} ${queue.name}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
