import { ZAffiliateStatus } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from '../../components/admin/admin-context';
import { AffiliateDetail } from '../../components/admin/affiliate-detail';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/**
 * /admin/affiliates: affiliates by status and code; one affiliate's balances, its place in the tree
 * (parent, children) and its status (suspend, reinstate, terminate) in the panel `?affiliate=<id>` opens.
 */
export function AffiliatesPage() {
  const { programId } = useAdmin();
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState('');
  const [code, setCode] = useState('');
  const selected = params.get('affiliate');
  const select = (id: string | null) => setParams(id === null ? {} : { affiliate: id });
  const filter = { programId: programId ?? undefined, status, code: code.trim() };
  const affiliates = useQuery({
    queryKey: ['admin', 'affiliates', filter],
    queryFn: ({ signal }) => adminClient.affiliates(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  return (
    <section aria-labelledby="affiliates-heading">
      <h2 id="affiliates-heading">{ADMIN_SCREENS.affiliates.label}</h2>
      {selected && <AffiliateDetail affiliateId={selected} onSelect={select} />}
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="affiliate-status" className="field__label">
            Status
          </label>
          <select
            id="affiliate-status"
            className="field__input"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            <option value="">Any</option>
            {ZAffiliateStatus.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="affiliate-code" className="field__label">
            Code
          </label>
          <input
            id="affiliate-code"
            className="field__input"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </div>
      </div>
      {affiliates.error && <ApiErrorAlert error={affiliates.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="affiliates">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Wallet</th>
              <th scope="col">Level</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {affiliates.data?.items.map((affiliate) => (
              <tr key={affiliate.id} data-testid="affiliate-row" data-code={affiliate.code}>
                <td>
                  <button type="button" className="button button--small" onClick={() => select(affiliate.id)}>
                    {affiliate.code}
                  </button>
                </td>
                <td className="mono break">{affiliate.wallet}</td>
                <td>{affiliate.depth}</td>
                <td data-testid="affiliate-status">{affiliate.status}</td>
                <td>{affiliate.createdAt.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {affiliates.data?.nextCursor && <p className="muted">Showing the newest 100; filter to narrow.</p>}
    </section>
  );
}
