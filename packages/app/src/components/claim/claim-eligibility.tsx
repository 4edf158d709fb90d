import type { TClaimIneligibleReason, TClaimInfo } from '@sge/shared';
import { useId } from 'react';
import { Link } from 'react-router';
import { formatTokenAmount, SGE_DECIMALS, STABLECOIN_DECIMALS } from '../../claim/format-amount';
import { Fact, Facts } from '../status/status-section';

/** What each reason means for the user, and what they can do. */
const REASON_TITLES: Readonly<Record<TClaimIneligibleReason, string>> = {
  ALREADY_CLAIMED: 'Already claimed',
  NO_SGE_ID: 'No SGE-ID yet',
  PAYMENT_REQUIRED: 'A payment is required first',
  CLAIMS_PAUSED: 'Claims are paused',
  VAULT_SHORT: 'The claim vault is empty',
  WALLET_BLACKLISTED: 'This wallet is blacklisted by the stablecoins',
};

/** The wallet's eligibility (GET /api/claim/info): the verdict, the fee and amount, and its balances. */
export function ClaimEligibility({ info }: { info: TClaimInfo }) {
  const headingId = useId();
  const fee = formatTokenAmount(info.fee, STABLECOIN_DECIMALS);
  return (
    <section
      className="card"
      aria-labelledby={headingId}
      data-testid="claim-eligibility"
      data-eligible={info.eligible}
      data-reason={info.reason ?? ''}
    >
      <h2 id={headingId} className="card__title">
        Eligibility
      </h2>
      {info.eligible ? (
        <p className="badge badge--ok" data-testid="eligibility-verdict">
          Eligible to claim
        </p>
      ) : (
        <div
          className={info.reason === 'ALREADY_CLAIMED' ? 'notice' : 'notice notice--warning'}
          data-testid="eligibility-verdict"
        >
          <p className="notice__title">{REASON_TITLES[info.reason!]}</p>
          <p className="notice__detail">{info.message}</p>
          {info.reason === 'NO_SGE_ID' && (
            <p>
              <Link to="/">Register for your SGE-ID</Link>
            </p>
          )}
        </div>
      )}
      <Facts>
        <Fact label="You pay">{fee} USDC or USDT</Fact>
        <Fact label="You receive">{formatTokenAmount(info.amountWei, SGE_DECIMALS)} SGE</Fact>
        <Fact label="Your USDC">
          <span data-testid="balance-usdc">
            {formatTokenAmount(info.tokens.USDC.balance, STABLECOIN_DECIMALS)}
          </span>
        </Fact>
        <Fact label="Your USDT">
          <span data-testid="balance-usdt">
            {formatTokenAmount(info.tokens.USDT.balance, STABLECOIN_DECIMALS)}
          </span>
        </Fact>
        <Fact label="Claim contract">
          <code className="address__value">{info.claimContract}</code>
        </Fact>
      </Facts>
    </section>
  );
}
