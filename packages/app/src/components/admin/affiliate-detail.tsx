import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TAffiliateVerb } from '../../api/admin-client';
import { adminClient } from '../../api/money-clients';
import { formatMicroUsd } from '../affiliate/money';
import { ActionResult, latestResult, useAdminAction } from './action-result';
import { ConfirmButton } from './confirm-button';
import './admin.css';

const BALANCES = [
  ['accrued', 'In hold'],
  ['payable', 'Payable'],
  ['paid', 'Paid'],
  ['clawbacksOpen', 'Clawbacks open'],
  ['owed', 'Owed (ledger)'],
] as const;

const VERBS: { verb: TAffiliateVerb; from: string[]; question: string }[] = [
  {
    verb: 'suspend',
    from: ['PENDING', 'ACTIVE'],
    question: 'It earns nothing new and is left out of payouts.',
  },
  { verb: 'reinstate', from: ['PENDING', 'SUSPENDED'], question: 'It earns commissions again.' },
  {
    verb: 'terminate',
    from: ['PENDING', 'ACTIVE', 'SUSPENDED'],
    question: 'This is final: it can never be reinstated.',
  },
];

/** One affiliate: balances, parent and children (walk the tree), and suspend / reinstate / terminate with a reason. */
export function AffiliateDetail(props: { affiliateId: string; onSelect: (id: string | null) => void }) {
  const { affiliateId, onSelect } = props;
  const [reason, setReason] = useState('');
  const detail = useQuery({
    queryKey: ['admin', 'affiliates', 'detail', affiliateId],
    queryFn: ({ signal }) => adminClient.affiliate(affiliateId, { signal }),
  });
  const children = useQuery({
    queryKey: ['admin', 'affiliates', 'children', affiliateId],
    queryFn: ({ signal }) => adminClient.affiliates({ parentId: affiliateId }, { signal }),
  });
  const act = useAdminAction(async (verb: TAffiliateVerb) => {
    const after = await adminClient.setAffiliateStatus(
      affiliateId,
      verb,
      reason.trim() || `${verb} from the admin page`,
    );
    return `Affiliate ${after.code} is ${after.status}.`;
  });
  const affiliate = detail.data;
  return (
    <section className="card" aria-labelledby="affiliate-detail-heading" data-testid="affiliate-detail">
      <h3 id="affiliate-detail-heading" className="card__title">
        Affiliate {affiliate?.code ?? '…'}{' '}
        <span data-testid="affiliate-detail-status">{affiliate?.status}</span>
      </h3>
      <ActionResult result={latestResult([act])} />
      {detail.error && <ActionResult result={{ ok: false, error: detail.error }} />}
      {affiliate && (
        <>
          <p className="mono break">{affiliate.wallet}</p>
          <dl className="admin-summary">
            {BALANCES.map(([field, label]) => (
              <div key={field} className="admin-summary__row">
                <dt>{label}</dt>
                <dd>{formatMicroUsd(affiliate.balances[field])} USD</dd>
              </div>
            ))}
          </dl>
          <p>
            Parent:{' '}
            {affiliate.parentId ? (
              <button
                type="button"
                className="button button--small"
                onClick={() => onSelect(affiliate.parentId)}
              >
                {affiliate.parentCode ?? affiliate.parentId}
              </button>
            ) : (
              'none (a root)'
            )}{' '}
            · {affiliate.referrals} referral(s) · {affiliate.children} affiliate(s) under it
          </p>
          <ul className="admin-tree" data-testid="affiliate-children">
            {children.data?.items.map((child) => (
              <li key={child.id}>
                ↳{' '}
                <button type="button" className="button button--small" onClick={() => onSelect(child.id)}>
                  {child.code}
                </button>{' '}
                <span className="muted">{child.status}</span>
              </li>
            ))}
          </ul>
          <div className="admin-filters">
            <div className="field">
              <label htmlFor="affiliate-reason" className="field__label">
                Reason
              </label>
              <input
                id="affiliate-reason"
                className="field__input"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </div>
            {VERBS.filter(({ from }) => from.includes(affiliate.status)).map(({ verb, question }) => (
              <ConfirmButton
                key={verb}
                label={verb[0]!.toUpperCase() + verb.slice(1)}
                question={`${verb[0]!.toUpperCase() + verb.slice(1)} ${affiliate.code}? ${question}`}
                pending={act.isPending && act.variables === verb}
                pendingLabel="Saving…"
                disabled={act.isPending}
                onConfirm={() => act.mutate(verb)}
              />
            ))}
            <button type="button" className="button button--small" onClick={() => onSelect(null)}>
              Close
            </button>
          </div>
        </>
      )}
    </section>
  );
}
