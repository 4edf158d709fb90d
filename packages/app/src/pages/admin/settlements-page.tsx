import { ZIntentType } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../../components/admin/action-result';
import { useAdmin } from '../../components/admin/admin-context';
import { refundOf, SettlementRefundButton } from '../../components/admin/settlement-refund-button';
import { formatMicroUsd } from '../../components/affiliate/money';
import { TxLink } from '../../components/affiliate/tx-link';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/** Offers `text` as a file download named `filename`. */
function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** /admin/settlements: the settlements behind intents (on-chain or provider), with a CSV export. */
export function SettlementsPage() {
  const { programId } = useAdmin();
  const [kind, setKind] = useState('');
  const [reason, setReason] = useState('');
  const filter = { programId: programId ?? undefined, kind: kind === '' ? undefined : kind };
  const settlements = useQuery({
    queryKey: ['admin', 'settlements', filter],
    queryFn: ({ signal }) => adminClient.settlements(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const exportCsv = useAdminAction(async () => {
    const csv = await adminClient.settlementsCsv(filter);
    download('settlements.csv', csv);
    return `Exported ${Math.max(0, csv.trim().split('\n').length - 1)} settlements.`;
  }, ['admin', 'settlements']);
  const refund = useAdminAction(refundOf);

  return (
    <section aria-labelledby="settlements-heading">
      <h2 id="settlements-heading">{ADMIN_SCREENS.settlements.label}</h2>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="settlement-kind" className="field__label">
            Kind
          </label>
          <select
            id="settlement-kind"
            className="field__input"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
          >
            <option value="">Any</option>
            {ZIntentType.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="refund-reason" className="field__label">
            Reason (for Refund)
          </label>
          <input
            id="refund-reason"
            className="field__input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <button
          type="button"
          className="button"
          disabled={exportCsv.isPending}
          onClick={() => exportCsv.mutate()}
        >
          {exportCsv.isPending ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      <ActionResult result={latestResult([exportCsv, refund])} />
      {settlements.error && <ApiErrorAlert error={settlements.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="settlements">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Kind</th>
              <th scope="col">Wallet</th>
              <th scope="col">Amount</th>
              <th scope="col">Reference</th>
              <th scope="col">Refunded</th>
            </tr>
          </thead>
          <tbody>
            {settlements.data?.items.map((settlement) => (
              <tr key={settlement.id} data-testid="settlement-row">
                <td>{settlement.createdAt.slice(0, 19).replace('T', ' ')}</td>
                <td>{settlement.kind}</td>
                <td className="mono break">{settlement.wallet ?? '—'}</td>
                <td className="amount">
                  {['USD', 'USDC', 'USDT'].includes(settlement.currency)
                    ? formatMicroUsd(settlement.amount)
                    : settlement.amount}{' '}
                  {settlement.currency}
                </td>
                <td>
                  {settlement.txHash !== null ? (
                    <TxLink hash={settlement.txHash} url={null} />
                  ) : (
                    <span className="mono">{settlement.providerRef ?? '—'}</span>
                  )}
                </td>
                <td>
                  <SettlementRefundButton settlement={settlement} reason={reason} refund={refund} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
