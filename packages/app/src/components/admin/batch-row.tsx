import type { TPayoutBatch } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { formatMicroUsd } from '../affiliate/money';
import { TxLink } from '../affiliate/tx-link';
import type { TActionResult } from './action-result';
import { BatchActions } from './batch-actions';
import { BatchPayouts } from './batch-payouts';
import { BatchSignatures } from './batch-signatures';
import type { useApprovalSigner } from './use-approval-signer';
import { batchDetailKey, useBatchActions } from './use-batch-actions';

/** Batches still in motion: their detail (signatures) is read with the list; a finished one's on demand. */
const OPEN = new Set<TPayoutBatch['status']>(['PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'FAILED']);
/** Columns of the batches table (for the payouts row spanning all of them). */
export const BATCH_COLUMNS = 9;

/** One payout batch: its state, signatures and actions, and (on "Payouts") its payouts, skipped ones with why. */
export function BatchRow({
  batch,
  me,
  reason,
  approval,
  report,
}: {
  batch: TPayoutBatch;
  me: string | null;
  reason: string;
  approval: ReturnType<typeof useApprovalSigner>;
  report: (result: TActionResult) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  const open = OPEN.has(batch.status);
  const detail = useQuery({
    // Keyed by the status the list shows too, so that a batch that moved on (paid, some payouts skipped) is
    // read again instead of showing the payouts as they were while it was open.
    queryKey: [...batchDetailKey(batch.id), batch.status],
    queryFn: ({ signal }) => adminClient.batch(batch.id, { signal }),
    enabled: open || expanded,
    refetchInterval: open ? ADMIN_REFRESH_INTERVAL_MS : false,
  });
  const actions = useBatchActions(batch, report, approval.sign);
  const canSign = approval.signer.kind === 'dev' || approval.signer.kind === 'wallet';

  return (
    <>
      <tr data-testid="batch-row" data-batch-id={batch.id} data-status={batch.status}>
        <td>{batch.createdAt.slice(0, 19).replace('T', ' ')}</td>
        <td data-testid="batch-status">
          {batch.status}
          {batch.reason === null ? '' : ` (${batch.reason})`}
        </td>
        <td>
          <button
            type="button"
            className="button button--small"
            aria-expanded={expanded}
            onClick={() => setExpanded(!expanded)}
          >
            {batch.payoutCount} payouts
          </button>
        </td>
        <td className="amount">
          {formatMicroUsd(batch.total)} {batch.currency}
        </td>
        <td>{batch.createdBy}</td>
        <td>
          <BatchSignatures approval={open || expanded ? detail.data?.approval : undefined} />
        </td>
        <td>{batch.approvedBy ?? batch.rejectedBy ?? '—'}</td>
        <td>
          <TxLink hash={batch.txHash} url={batch.txUrl} />
        </td>
        <td>
          <BatchActions
            batch={batch}
            detail={detail.data}
            me={me}
            reason={reason}
            actions={actions}
            canSign={canSign}
          />
        </td>
      </tr>
      {expanded && (
        <tr data-testid="batch-payouts-row" data-batch-id={batch.id}>
          <td colSpan={BATCH_COLUMNS}>
            <BatchPayouts detail={detail.data} />
          </td>
        </tr>
      )}
    </>
  );
}
