import type { TAffiliateProfile } from '@sge/shared';
import { CopyButton } from '../copy-button';
import { formatMicroUsd } from './money';

/** The affiliate's code, referral link (with a copy button) and balances. */
export function ReferralLinkCard({ profile }: { profile: TAffiliateProfile }) {
  const { balances } = profile;
  return (
    <section className="card" aria-labelledby="referral-heading">
      <h2 id="referral-heading" className="card__title">
        Your referral link
      </h2>
      <p>
        Code <strong data-testid="affiliate-code">{profile.code}</strong>
        {profile.parentCode === null ? '' : `, under ${profile.parentCode}`} · status {profile.status}
      </p>
      <p className="address">
        <code className="mono break address__value" data-testid="referral-link">
          {profile.referralLink}
        </code>
        <CopyButton value={profile.referralLink} label="Copy the referral link" />
      </p>
      <dl className="facts">
        <div className="facts__row">
          <dt className="facts__label">Referrals</dt>
          <dd className="facts__value">{profile.referrals}</dd>
        </div>
        <div className="facts__row">
          <dt className="facts__label">Accrued (in hold period)</dt>
          <dd className="facts__value amount" data-testid="balance-accrued">
            {formatMicroUsd(balances.accrued)} USD
          </dd>
        </div>
        <div className="facts__row">
          <dt className="facts__label">Payable</dt>
          <dd className="facts__value amount" data-testid="balance-payable">
            {formatMicroUsd(balances.payable)} USD
          </dd>
        </div>
        <div className="facts__row">
          <dt className="facts__label">Paid</dt>
          <dd className="facts__value amount" data-testid="balance-paid">
            {formatMicroUsd(balances.paid)} USD
          </dd>
        </div>
        {balances.clawbacksOpen !== '0' && (
          <div className="facts__row">
            <dt className="facts__label">Clawbacks to net</dt>
            <dd className="facts__value amount">{formatMicroUsd(balances.clawbacksOpen)} USD</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
