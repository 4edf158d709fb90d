import { useId } from 'react';
import { safeHttpUrl } from '../../lib/format';
import type { TRegistrationState } from '../../registration/registration-progress';
import { CopyButton } from '../copy-button';
import { Fact, Facts } from '../status/status-section';

/**
 * The SGE-ID of a wallet: token id (the API's decimal string, shown whole), the mint transaction with an
 * explorer link when the chain has an explorer, and the referrer.
 */
export function RegistrationResult({ state }: { state: Extract<TRegistrationState, { status: 'minted' }> }) {
  const headingId = useId();
  const txUrl = safeHttpUrl(state.details?.explorerTxUrl ?? null);
  const tokenUrl = safeHttpUrl(state.details?.explorerTokenUrl ?? null);
  return (
    <section className="result" aria-labelledby={headingId} data-testid="registration-result">
      <h2 id={headingId} className="result__title">
        {state.alreadyRegistered ? 'This wallet has its SGE-ID' : 'Your SGE-ID is minted'}
      </h2>
      <Facts>
        <Fact label="Token id">
          {state.tokenId === null ? (
            <span className="muted">Not reported by the platform</span>
          ) : (
            <span className="address">
              <code className="address__value" data-testid="token-id">
                {state.tokenId}
              </code>
              <CopyButton value={state.tokenId} label="Copy token id" />
            </span>
          )}
          {tokenUrl !== null && (
            <p>
              <a href={tokenUrl} target="_blank" rel="noopener noreferrer">
                View the SGE-ID on the block explorer
                <span className="visually-hidden"> (opens in a new tab)</span>
              </a>
            </p>
          )}
        </Fact>
        <Fact label="Wallet">
          <code className="address__value" data-testid="registered-wallet">
            {state.wallet}
          </code>
        </Fact>
        <Fact label="Transaction">
          {state.txHash === null ? (
            <span className="muted">Not reported by the platform</span>
          ) : txUrl === null ? (
            <code className="address__value" data-testid="tx-hash">
              {state.txHash}
            </code>
          ) : (
            <a
              className="address__value"
              href={txUrl}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="tx-hash"
            >
              <code>{state.txHash}</code>
              <span className="visually-hidden">
                {' '}
                (view the transaction on the block explorer, opens in a new tab)
              </span>
            </a>
          )}
          {state.txHash !== null && txUrl === null && state.details !== null && (
            <p className="facts__note">This chain has no block explorer.</p>
          )}
        </Fact>
        <Fact label="Referred by">
          {state.details === null ? (
            <span className="muted">Loading…</span>
          ) : state.details.referredBy === null ? (
            <span className="muted">No referrer</span>
          ) : (
            <strong data-testid="result-referrer">{state.details.referredBy}</strong>
          )}
        </Fact>
      </Facts>
    </section>
  );
}
