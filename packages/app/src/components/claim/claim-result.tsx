import type { TClaimView } from '@sge/shared';
import { useId } from 'react';
import { formatTokenAmount, SGE_DECIMALS, STABLECOIN_DECIMALS } from '../../claim/format-amount';
import { safeHttpUrl } from '../../lib/format';
import { Fact, Facts } from '../status/status-section';

/** A recorded claim: what was paid and received, and its transaction (explorer link when the chain has one). */
export function ClaimResult({ claim, fresh }: { claim: TClaimView; fresh: boolean }) {
  const headingId = useId();
  const txUrl = safeHttpUrl(claim.explorerTxUrl);
  return (
    <section className="result" aria-labelledby={headingId} data-testid="claim-result">
      <h2 id={headingId} className="result__title">
        {fresh ? 'SGE claimed' : 'Your claim'}
      </h2>
      <Facts>
        <Fact label="Received">
          <span data-testid="claimed-amount">{formatTokenAmount(claim.amountWei, SGE_DECIMALS)} SGE</span>
        </Fact>
        <Fact label="Paid">
          <span data-testid="claimed-fee">
            {formatTokenAmount(claim.fee, STABLECOIN_DECIMALS)} {claim.token}
          </span>
        </Fact>
        <Fact label="Transaction">
          {txUrl === null ? (
            <code className="address__value" data-testid="claim-tx-hash">
              {claim.txHash}
            </code>
          ) : (
            <a href={txUrl} target="_blank" rel="noopener noreferrer" data-testid="claim-tx-hash">
              <code>{claim.txHash}</code>
              <span className="visually-hidden"> (view on the block explorer, opens in a new tab)</span>
            </a>
          )}
        </Fact>
      </Facts>
    </section>
  );
}
