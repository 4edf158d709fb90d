import type { TClaimToken } from '@sge/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useId, useState } from 'react';
import { describeApiError } from '../api/api-error';
import { useChainSettings } from '../api/use-chain-settings';
import { claimApi } from '../claim/claim-api';
import { formatTokenAmount, SGE_DECIMALS, STABLECOIN_DECIMALS } from '../claim/format-amount';
import { type TClaimFlow, useClaim } from '../claim/use-claim';
import { ClaimEligibility } from '../components/claim/claim-eligibility';
import { ClaimResult } from '../components/claim/claim-result';
import { ClaimSteps } from '../components/claim/claim-steps';
import { FaucetButton } from '../components/claim/faucet-button';
import { GaslessClaim } from '../components/claim/gasless-claim';
import { MockModeNotice } from '../components/mock-mode-notice';
import { WalletPanel } from '../components/wallet-panel';
import { connectedAddress, useWallet } from '../wallet/wallet-context';

const TOKENS: readonly TClaimToken[] = ['USDC', 'USDT'];

/** The sentence the live region speaks for each state of the flow. */
function progressMessage(flow: TClaimFlow): string {
  switch (flow.status) {
    case 'idle':
      return '';
    case 'preparing':
      return 'Preparing the transactions…';
    case 'sending': {
      const current = flow.steps.find((step) => step.status === 'signing' || step.status === 'mining');
      if (!current) return 'Sending…';
      const position = `Step ${flow.steps.indexOf(current) + 1} of ${flow.steps.length}`;
      return current.status === 'signing'
        ? `${position}: confirm the transaction in your wallet.`
        : `${position}: waiting for the transaction to be mined.`;
    }
    case 'recording':
      return 'Recording your claim…';
    case 'claimed':
      return 'Claimed: the SGE is in your wallet.';
    case 'failed':
      return `The claim did not complete: ${flow.problem.title}.`;
  }
}

/**
 * `/claim` (SPEC §7): eligibility of the connected wallet (GET /api/claim/info), the choice of USDC or USDT,
 * then each transaction (reset, approve, claim) sent by the wallet and awaited before the next, and the
 * claim recorded by the API (POST /api/claim/record), which verifies it on the chain. Mock mode adds a
 * faucet for test USDC/USDT.
 */
export function ClaimPage() {
  const settings = useChainSettings();
  const mock = settings.data?.mode === 'MOCK';
  const explorerUrl = settings.data?.explorerUrl ?? null;
  const { state: walletState } = useWallet();
  const address = connectedAddress(walletState);
  const queryClient = useQueryClient();
  const [token, setToken] = useState<TClaimToken>('USDC');
  const tokenGroupId = useId();

  const info = useQuery({
    queryKey: ['claim-info', address],
    queryFn: () => claimApi.info(address!),
    enabled: address !== null,
  });
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: ['claim-info'] });
  }, [queryClient]);
  const { flow, start, retryRecord } = useClaim(refresh);

  const busy = flow.status === 'preparing' || flow.status === 'sending' || flow.status === 'recording';
  const wallet = walletState.status === 'connected' ? walletState.wallet : null;
  const canClaim = wallet !== null && info.data?.eligible === true && !busy && flow.status !== 'claimed';
  const recordedClaim = flow.status === 'claimed' ? flow.result.claim : (info.data?.claim ?? null);

  return (
    <>
      <title>Claim · SGE</title>
      <h1>Claim your SGE</h1>
      <p className="lead">
        Pay the fee in USDC or USDT and receive SGE from the claim contract, once per wallet. Your wallet
        signs each transaction; the platform checks the claim on the chain before recording it.
      </p>
      {mock && <MockModeNotice />}

      <div className="register-grid">
        <WalletPanel />

        {address === null && (
          <section className="card" data-testid="claim-no-wallet">
            <p className="muted">Connect a wallet to see whether it can claim.</p>
          </section>
        )}

        {address !== null && info.isPending && (
          <section className="card">
            <p role="status">Checking eligibility…</p>
          </section>
        )}
        {address !== null && info.isError && (
          <section className="card">
            <div className="notice notice--critical" role="alert">
              <p className="notice__title">Could not check eligibility</p>
              <p className="notice__detail">{describeApiError(info.error).detail}</p>
            </div>
          </section>
        )}
        {address !== null && info.data && <ClaimEligibility info={info.data} />}

        {address !== null && info.data && (
          <section className="card register-card" aria-labelledby={`${tokenGroupId}-heading`}>
            <h2 id={`${tokenGroupId}-heading`} className="card__title">
              Claim
            </h2>
            {mock && <FaucetButton wallet={address} onFunded={refresh} />}
            <fieldset className="field" disabled={busy}>
              <legend className="field__label">Pay the fee with</legend>
              {TOKENS.map((symbol) => (
                <label key={symbol} className="connector">
                  <input
                    type="radio"
                    name="claim-token"
                    value={symbol}
                    checked={token === symbol}
                    onChange={() => setToken(symbol)}
                  />{' '}
                  {symbol}
                </label>
              ))}
            </fieldset>
            {BigInt(info.data.tokens[token].balance) < BigInt(info.data.fee) && info.data.eligible && (
              <p className="form-note" data-testid="claim-balance-short">
                Your {token} balance (
                {formatTokenAmount(info.data.tokens[token].balance, STABLECOIN_DECIMALS)}) is below the fee of{' '}
                {formatTokenAmount(info.data.fee, STABLECOIN_DECIMALS)} {token}.
                {mock ? ' Use the faucet above to get test tokens.' : ''}
              </p>
            )}
            {walletState.status === 'wrong-network' && (
              <p className="field__error" data-testid="claim-wrong-network">
                Your wallet is on the wrong network: switch to chain {walletState.expectedChainId} to claim.
              </p>
            )}
            <p className="register-card__submit">
              <button
                type="button"
                className="button button--primary"
                disabled={!canClaim}
                onClick={() => wallet && void start(wallet, token)}
              >
                {busy
                  ? 'Claiming…'
                  : `Claim ${formatTokenAmount(info.data.amountWei, SGE_DECIMALS)} SGE with ${token}`}
              </button>
            </p>

            {token === 'USDC' && flow.status === 'idle' && (
              <GaslessClaim info={info.data} wallet={wallet} onSettled={refresh} />
            )}

            <div className="progress">
              <p role="status" aria-live="polite" className="progress__message" data-testid="claim-progress">
                {progressMessage(flow)}
              </p>
              {'steps' in flow && flow.steps.length > 0 && (
                <ClaimSteps steps={flow.steps} explorerUrl={explorerUrl} />
              )}
            </div>

            {flow.status === 'failed' && (
              <div className="notice notice--critical" role="alert" data-testid="claim-problem">
                <p className="notice__title">{flow.problem.title}</p>
                <p className="notice__detail">{flow.problem.detail}</p>
                {flow.claimTxHash !== null && wallet !== null && (
                  <p className="wallet-panel__actions">
                    <button type="button" className="button" onClick={() => void retryRecord(wallet)}>
                      Record the claim again
                    </button>
                  </p>
                )}
              </div>
            )}
            {recordedClaim !== null && (
              <ClaimResult claim={recordedClaim} fresh={flow.status === 'claimed'} />
            )}
          </section>
        )}
      </div>
    </>
  );
}
