import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ActionResult, type TActionResult } from '../../components/admin/action-result';
import { useAdmin } from '../../components/admin/admin-context';
import { BatchRow } from '../../components/admin/batch-row';
import { SignerPanel } from '../../components/admin/signer-panel';
import { useApprovalSigner } from '../../components/admin/use-approval-signer';
import { BATCHES_KEY, useCreateBatch } from '../../components/admin/use-batch-actions';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';

/**
 * /admin/payouts: payout batches. An admin creates a batch from PAYABLE commissions and signs its EIP-712
 * approval with their wallet at once; a second admin signs & approves it (the API and the payout contract
 * each refuse one person or one address signing twice); then it is executed: a worker pays the batch in one
 * on-chain transaction carrying both signatures, whose hash shows here once it is sent. A payout the
 * contract could not pay is SKIPPED, with its reason in the batch's payouts.
 */
export function PayoutBatchesPage() {
  const { programId } = useAdmin();
  const [result, setResult] = useState<TActionResult>(null);
  const [reason, setReason] = useState('');
  const approval = useApprovalSigner();
  const create = useCreateBatch(setResult, approval.sign);
  const batches = useQuery({
    queryKey: [...BATCHES_KEY, programId],
    queryFn: ({ signal }) => adminClient.batches(programId ?? undefined, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const admin = approval.signer.kind === 'loading' ? null : approval.signer.admin;
  const canSign = approval.signer.kind === 'dev' || approval.signer.kind === 'wallet';

  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">Payout batches</h2>
      <SignerPanel signer={approval.signer} />
      <div className="admin-filters">
        <button
          type="button"
          className="button button--primary"
          disabled={create.isPending || !canSign}
          onClick={() => create.mutate(programId ?? undefined)}
        >
          {create.isPending ? 'Creating and signing…' : 'Create payout batch'}
        </button>
        <div className="field">
          <label htmlFor="batch-reason" className="field__label">
            Reason (for reject or cancel)
          </label>
          <input
            id="batch-reason"
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
              <th scope="col">Signatures</th>
              <th scope="col">Approved / rejected by</th>
              <th scope="col">Transaction</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {batches.data?.items.map((batch) => (
              <BatchRow
                key={batch.id}
                batch={batch}
                me={admin?.name ?? null}
                reason={reason}
                approval={approval}
                report={setResult}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
