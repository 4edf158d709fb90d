import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ActionResult, runAction, type TActionResult } from '../../components/admin/action-result';
import { useAdmin } from '../../components/admin/admin-context';
import { formatMicroUsd } from '../../components/affiliate/money';
import { TxLink } from '../../components/affiliate/tx-link';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';

/**
 * /admin/payouts: payout batches. One admin creates a batch from PAYABLE commissions, a different admin
 * approves it (the API refuses the creator with 403), then anyone executes it: a worker pays the whole
 * batch in one on-chain transaction, whose hash shows here once it is sent.
 */
export function PayoutBatchesPage() {
  const { programId } = useAdmin();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<TActionResult>(null);
  const [reason, setReason] = useState('');
  const batches = useQuery({
    queryKey: ['admin', 'batches', programId],
    queryFn: ({ signal }) => adminClient.batches(programId ?? undefined, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'batches'] });
  const act = (action: () => Promise<string>) =>
    runAction(setResult, async () => {
      const text = await action();
      await refresh();
      return text;
    });

  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">Payout batches</h2>
      <div className="admin-filters">
        <button
          type="button"
          className="button button--primary"
          onClick={() =>
            act(async () => {
              const batch = await adminClient.createBatch(programId ?? undefined);
              return `Batch ${batch.id} created: ${batch.payoutCount} payouts, ${formatMicroUsd(batch.total)} ${batch.currency}. Another admin must approve it.`;
            })
          }
        >
          Create payout batch
        </button>
        <div className="field">
          <label htmlFor="reject-reason" className="field__label">
            Reason (for reject)
          </label>
          <input
            id="reject-reason"
            className="field__input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      <ActionResult result={result} />
      {batches.error && <ApiErrorAlert error={batches.error} lastGoodAtMs={null} retryNote="" />}
      {batches.data?.items.length === 0 && <p className="muted">No payout batches yet.</p>}
      <div className="table-scroll">
        <table className="data-table" data-testid="batches">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Payouts</th>
              <th scope="col">Total</th>
              <th scope="col">Created by</th>
              <th scope="col">Approved / rejected by</th>
              <th scope="col">Transaction</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {batches.data?.items.map((batch) => (
              <tr key={batch.id} data-testid="batch-row" data-batch-id={batch.id} data-status={batch.status}>
                <td>{batch.createdAt.slice(0, 19).replace('T', ' ')}</td>
                <td data-testid="batch-status">
                  {batch.status}
                  {batch.reason === null ? '' : ` (${batch.reason})`}
                </td>
                <td>{batch.payoutCount}</td>
                <td className="amount">
                  {formatMicroUsd(batch.total)} {batch.currency}
                </td>
                <td>{batch.createdBy}</td>
                <td>{batch.approvedBy ?? batch.rejectedBy ?? '—'}</td>
                <td>
                  <TxLink hash={batch.txHash} url={batch.txUrl} />
                </td>
                <td>
                  <div className="admin-actions">
                    {batch.status === 'PENDING_APPROVAL' && (
                      <>
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() =>
                            act(async () => {
                              await adminClient.approveBatch(batch.id);
                              return `Batch ${batch.id} approved.`;
                            })
                          }
                        >
                          Approve
                        </button>
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() =>
                            act(async () => {
                              await adminClient.rejectBatch(
                                batch.id,
                                reason.trim() || 'rejected from the admin page',
                              );
                              return `Batch ${batch.id} rejected.`;
                            })
                          }
                        >
                          Reject
                        </button>
                      </>
                    )}
                    {(batch.status === 'APPROVED' || batch.status === 'FAILED') && (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() =>
                          act(async () => {
                            await adminClient.executeBatch(batch.id);
                            return `Batch ${batch.id} is being paid on-chain.`;
                          })
                        }
                      >
                        Execute
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
