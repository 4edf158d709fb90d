import type { TChange } from '@sge/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from '../../components/admin/admin-context';
import { ConfirmButton } from '../../components/admin/confirm-button';
import {
  describeMoneySetting,
  MONEY_SETTING_LABELS,
} from '../../components/admin/program/program-settings-model';
import { formatMoney } from '../../components/affiliate/money';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/**
 * /admin/changes: money settings and large manual payments proposed by one admin, waiting for another
 * (issue 17's maker-checker). The proposer cannot approve (the API answers CHANGE_SELF_APPROVAL); anyone
 * may reject with a reason.
 */
export function ChangesPage() {
  const { programId } = useAdmin();
  const [status, setStatus] = useState('PENDING');
  const [reason, setReason] = useState('');
  const queryClient = useQueryClient();
  const filter = { programId: programId ?? undefined, status: status === '' ? undefined : status };
  const changes = useQuery({
    queryKey: ['admin', 'changes', filter],
    queryFn: ({ signal }) => adminClient.changes(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const decide = useMutation({
    mutationFn: async (decision: { id: string; approve: boolean }) => {
      if (decision.approve) return await adminClient.approveChange(decision.id);
      return await adminClient.rejectChange(decision.id, reason.trim() || 'rejected from the admin page');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
  return (
    <section aria-labelledby="changes-heading">
      <h2 id="changes-heading">{ADMIN_SCREENS.changes.label}</h2>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="changes-status" className="field__label">
            Status
          </label>
          <select
            id="changes-status"
            className="field__input"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            {['PENDING', 'APPLIED', 'REJECTED', 'EXPIRED', ''].map((option) => (
              <option key={option} value={option}>
                {option === '' ? 'all' : option.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="change-reject-reason" className="field__label">
            Reason (for Reject)
          </label>
          <input
            id="change-reject-reason"
            className="field__input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      {changes.error && <ApiErrorAlert error={changes.error} lastGoodAtMs={null} retryNote="" />}
      {decide.error && <ApiErrorAlert error={decide.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="changes">
          <thead>
            <tr>
              <th scope="col">Proposed</th>
              <th scope="col">By</th>
              <th scope="col">Change</th>
              <th scope="col">Status</th>
              <th scope="col">Decide</th>
            </tr>
          </thead>
          <tbody>
            {changes.data?.items.map((change) => (
              <tr key={change.id} data-testid="change-row" data-status={change.status}>
                <td>{change.proposedAt.slice(0, 19).replace('T', ' ')}</td>
                <td>{change.proposedBy}</td>
                <td className="mono break">{describeChange(change)}</td>
                <td>
                  {change.status.toLowerCase()}
                  {change.decidedBy ? ` by ${change.decidedBy}` : ''}
                  {change.reason ? `: ${change.reason}` : ''}
                </td>
                <td>
                  {change.status === 'PENDING' && (
                    <>
                      <ConfirmButton
                        label="Approve"
                        question={`Apply this change now? ${describeChange(change)}`}
                        pending={decide.isPending && decide.variables?.id === change.id}
                        pendingLabel="Applying…"
                        disabled={decide.isPending}
                        onConfirm={() => decide.mutate({ id: change.id, approve: true })}
                      />{' '}
                      <button
                        type="button"
                        className="button button--small"
                        disabled={decide.isPending}
                        onClick={() => decide.mutate({ id: change.id, approve: false })}
                      >
                        Reject
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function describeChange(change: TChange): string {
  if (change.kind === 'MANUAL_PAYMENT') {
    const p = change.payload;
    return `manual payment ${formatMoney(p.amount, p.currency)} from ${p.wallet}, reference ${p.reference}`;
  }
  return Object.entries(change.payload)
    .map(([field, value]) => {
      const label = MONEY_SETTING_LABELS[field as keyof typeof MONEY_SETTING_LABELS] ?? field;
      const before = change.before[field as keyof typeof change.before];
      return `${label}: ${describeMoneySetting(field, before)} → ${describeMoneySetting(field, value)}`;
    })
    .join('; ');
}
