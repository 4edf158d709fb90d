import type { TPayoutBatch } from '@sge/shared';
import type { TBatchDetail } from '../../api/payout-approval';
import { formatMicroUsd } from '../affiliate/money';
import { ConfirmButton } from './confirm-button';
import type { useBatchActions } from './use-batch-actions';

/** Statuses from which a batch can still be cancelled (a signed one is voided on the payout contract first). */
const CANCELLABLE = new Set<TPayoutBatch['status']>(['PENDING_APPROVAL', 'APPROVED', 'FAILED']);

/**
 * The actions a batch offers the signed-in admin `me`: its creator signs it (when that did not happen right
 * after creating it); once the creator has signed, any other admin signs & approves it; it can be rejected
 * while awaiting approval, executed once approved (again after a failure), and cancelled until paid. Every
 * action that moves money or voids signatures asks for confirmation; each button is disabled while it runs.
 */
export function BatchActions({
  batch,
  detail,
  me,
  reason,
  actions,
  canSign,
}: {
  batch: TPayoutBatch;
  detail: TBatchDetail | undefined;
  /** The signed-in admin's name; null when the API did not say (the API decides then). */
  me: string | null;
  reason: string;
  actions: ReturnType<typeof useBatchActions>;
  canSign: boolean;
}) {
  const signatures = detail?.approval?.signatures ?? [];
  const creatorSigned = signatures.some((signature) => signature.admin === batch.createdBy);
  const iSigned = me !== null && signatures.some((signature) => signature.admin === me);
  const amount = `${formatMicroUsd(batch.total)} ${batch.currency}`;
  const affiliates = `${batch.payoutCount} affiliate${batch.payoutCount === 1 ? '' : 's'}`;
  const pending = batch.status === 'PENDING_APPROVAL' && detail?.approval != null;
  const why = (verb: string) => reason.trim() || `${verb} from the admin page`;

  return (
    <div className="admin-actions">
      {pending && !creatorSigned && (me === null || me === batch.createdBy) && (
        <button
          type="button"
          className="button button--small"
          disabled={!canSign || actions.sign.isPending}
          onClick={() => detail && actions.sign.mutate(detail)}
        >
          {actions.sign.isPending ? 'Signing…' : 'Sign'}
        </button>
      )}
      {pending && !creatorSigned && me !== null && me !== batch.createdBy && (
        <span className="muted">Waiting for {batch.createdBy} to sign.</span>
      )}
      {pending && creatorSigned && iSigned && (
        <span className="muted" data-testid="awaiting-second-admin">
          Signed by you: a second admin must sign &amp; approve.
        </span>
      )}
      {pending && creatorSigned && !iSigned && (
        <ConfirmButton
          label="Sign & approve"
          question={`Approve paying ${amount} to ${affiliates}?`}
          onConfirm={() => detail && actions.sign.mutate(detail)}
          pending={actions.sign.isPending}
          pendingLabel="Signing…"
          disabled={!canSign}
        />
      )}
      {batch.status === 'PENDING_APPROVAL' && (
        <button
          type="button"
          className="button button--small"
          disabled={actions.reject.isPending}
          onClick={() => actions.reject.mutate(why('rejected'))}
        >
          {actions.reject.isPending ? 'Rejecting…' : 'Reject'}
        </button>
      )}
      {(batch.status === 'APPROVED' || batch.status === 'FAILED') && (
        <ConfirmButton
          label="Execute"
          question={`Pay ${amount} to ${affiliates} on-chain?`}
          onConfirm={() => actions.execute.mutate()}
          pending={actions.execute.isPending}
          pendingLabel="Executing…"
        />
      )}
      {CANCELLABLE.has(batch.status) && (
        <ConfirmButton
          label="Cancel"
          question={
            batch.status === 'PENDING_APPROVAL'
              ? 'Cancel this batch? Its commissions become payable again.'
              : 'Cancel this batch? Its signatures are voided on the payout contract first; its commissions become payable again.'
          }
          onConfirm={() => actions.cancel.mutate(why('cancelled'))}
          pending={actions.cancel.isPending}
          pendingLabel="Cancelling…"
        />
      )}
    </div>
  );
}
