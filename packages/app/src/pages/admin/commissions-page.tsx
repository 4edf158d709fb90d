import { ZCommissionStatus } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from '../../components/admin/admin-context';
import { formatBpsPercent } from '../../components/admin/units';
import { formatMoney } from '../../components/affiliate/money';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/** /admin/commissions: commissions (newest first) by status: who earns what, from which payment, and when it is payable. */
export function CommissionsPage() {
  const { programId } = useAdmin();
  const [status, setStatus] = useState('');
  const filter = { programId: programId ?? undefined, status };
  const commissions = useQuery({
    queryKey: ['admin', 'commissions', filter],
    queryFn: ({ signal }) => adminClient.commissions(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  return (
    <section aria-labelledby="commissions-heading">
      <h2 id="commissions-heading">{ADMIN_SCREENS.commissions.label}</h2>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="commission-status" className="field__label">
            Status
          </label>
          <select
            id="commission-status"
            className="field__input"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            <option value="">Any</option>
            {ZCommissionStatus.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
      </div>
      {commissions.error && <ApiErrorAlert error={commissions.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="commissions">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Affiliate</th>
              <th scope="col">Level</th>
              <th scope="col">Amount</th>
              <th scope="col">Of</th>
              <th scope="col">Status</th>
              <th scope="col">Payable from</th>
            </tr>
          </thead>
          <tbody>
            {commissions.data?.items.map((commission) => (
              <tr key={commission.id} data-testid="commission-row" data-status={commission.status}>
                <td>{commission.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{commission.affiliateCode}</td>
                <td>
                  {commission.level} ({formatBpsPercent(commission.rateBps)}%)
                </td>
                <td className="amount">{formatMoney(commission.amount, commission.currency)}</td>
                <td className="amount">{formatMoney(commission.baseAmount, commission.currency)}</td>
                <td>
                  {commission.status}
                  {commission.clawedBack ? ' (clawed back)' : ''}
                </td>
                <td>{commission.payableAt.slice(0, 16).replace('T', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
