import { useId, useState } from 'react';
import { chainName } from '../lib/format';
import type { TWalletState } from '../wallet/wallet-context';
import { useWallet } from '../wallet/wallet-context';
import { toWalletError } from '../wallet/wallet-error';

/** The wallet's name for the sentences below ("Connected: MetaMask, 0x…"). */
function walletName(state: TWalletState): string {
  if (state.status === 'disconnected') return 'wallet';
  return state.connectorName ?? (state.connector === 'dev' ? 'Dev wallet (Mock mode)' : 'Browser wallet');
}

function chainLabel(chainId: number): string {
  const name = chainName(chainId);
  return name === null ? `chain ${chainId}` : `chain ${chainId} (${name})`;
}

/**
 * The wallet card: connect buttons, the connected account, and the wrong-network guard ("switch to chain N").
 * Everything the wallet does is announced politely to screen readers through the status line.
 */
export function WalletPanel() {
  const { state, connectors, connect, disconnect, switchToExpectedChain } = useWallet();
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const headingId = useId();

  const switchNetwork = () => {
    setSwitching(true);
    setSwitchError(null);
    switchToExpectedChain()
      .catch((error: unknown) => {
        const walletError = toWalletError(error);
        setSwitchError(
          walletError.code === 'USER_REJECTED'
            ? 'The switch was rejected in the wallet.'
            : walletError.message,
        );
      })
      .finally(() => setSwitching(false));
  };

  return (
    <section
      className="card"
      aria-labelledby={headingId}
      data-testid="wallet-panel"
      data-wallet={state.status}
    >
      <h2 id={headingId} className="card__title">
        Wallet
      </h2>

      {(state.status === 'connected' || state.status === 'wrong-network') && (
        <>
          <p role="status">
            Connected: {walletName(state)},{' '}
            <code className="mono break" data-testid="connected-address">
              {state.address}
            </code>
          </p>
          {state.status === 'wrong-network' && (
            <div className="notice notice--warning wallet-panel__notice" data-testid="wrong-network">
              <p className="notice__title">Wrong network</p>
              <p>
                Your wallet is on {chainLabel(state.chainId)}. This platform runs on{' '}
                {chainLabel(state.expectedChainId)}: switch to chain {state.expectedChainId} before sending
                any transaction.
              </p>
              {state.canSwitch ? (
                <p className="wallet-panel__actions">
                  <button type="button" className="button" onClick={switchNetwork} disabled={switching}>
                    {switching ? 'Switching…' : `Switch to chain ${state.expectedChainId}`}
                  </button>
                </p>
              ) : (
                <p>Switch the network in your wallet.</p>
              )}
              {switchError !== null && (
                <p className="notice__detail" role="alert">
                  {switchError}
                </p>
              )}
            </div>
          )}
          <p className="wallet-panel__actions">
            <button type="button" className="button button--small" onClick={disconnect}>
              Disconnect
            </button>
          </p>
        </>
      )}

      {state.status === 'connecting' && (
        <>
          <p role="status">Connecting to {walletName(state)}…</p>
          <p className="wallet-panel__actions">
            <button type="button" className="button button--small" onClick={disconnect}>
              Cancel
            </button>
          </p>
        </>
      )}

      {(state.status === 'disconnected' || state.status === 'error') && (
        <>
          {state.status === 'error' ? (
            <div className="notice notice--critical" role="alert" data-testid="wallet-error">
              <p className="notice__title">Could not connect {walletName(state)}</p>
              <p className="notice__detail">{state.error.message}</p>
            </div>
          ) : (
            <p className="muted">Connect a wallet to fill in its address, or type any address below.</p>
          )}
          <ul className="connector-list">
            {connectors.map((connector) => {
              const descriptionId = `${headingId}-${connector.id}`;
              return (
                <li key={connector.id} className="connector">
                  <button
                    type="button"
                    className="button connector__button"
                    onClick={() => void connect(connector.id)}
                    disabled={connector.unavailableReason !== null}
                    aria-describedby={descriptionId}
                    data-connector={connector.id}
                  >
                    {connector.icon !== null && (
                      <img className="connector__icon" src={connector.icon} alt="" width="20" height="20" />
                    )}
                    {connector.label}
                  </button>
                  <span id={descriptionId} className="connector__description">
                    {connector.unavailableReason ?? connector.description}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
