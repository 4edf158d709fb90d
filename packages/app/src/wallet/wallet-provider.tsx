import { type ReactNode, useCallback, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useChainSettings } from '../api/use-chain-settings';
import { chainName } from '../lib/format';
import { browserStorage, loadConnector } from './connector-storage';
import { useWalletEngine } from './use-wallet-engine';
import type { TConnectorOption, TWalletContext, TWalletState } from './wallet-context';
import { WalletContext } from './wallet-context';
import type { TEngineSnapshot } from './wallet-engine';
import { toWalletError, WalletError } from './wallet-error';
import type { TConnectorId } from './wallet-session';

/** Before the engine has loaded: nothing connected, nothing to offer yet. */
const NO_ENGINE_SNAPSHOT: TEngineSnapshot = { connection: { status: 'idle' }, connectors: [] };
const noSubscription = () => () => {};

/** A connect attempt that failed, shown until the next attempt or a disconnect. */
type TFailure = { connector: TConnectorId; connectorName: string; error: WalletError };

/**
 * Holds the wallet connection for the whole app (see useWallet). Underneath is wagmi (wallet-engine.ts),
 * loaded right after the first render: the dev wallet in Mock mode, every browser wallet that announces
 * itself (EIP-6963) or `window.ethereum`, WalletConnect when VITE_WALLETCONNECT_PROJECT_ID is set, Coinbase
 * Wallet, Base Account, and a Safe when the app is open as a Safe App. The choice is remembered in
 * localStorage and reconnected on the next visit without a prompt (only if the wallet still authorises
 * this site). A wallet on another chain than the platform's is shown as `wrong-network` and cannot send.
 */
export function WalletProvider({ children }: { children: ReactNode }) {
  const storage = useMemo(() => browserStorage(), []);
  const settings = useChainSettings();
  const expectedChainId = settings.data?.chainId ?? null;
  const expectedChainIdRef = useRef(expectedChainId);
  expectedChainIdRef.current = expectedChainId;
  const load = useWalletEngine({
    settled: settings.data !== undefined || settings.isError,
    mode: settings.data?.mode ?? null,
    chainId: expectedChainId,
    storage,
  });
  const engine = load.status === 'ready' ? load.engine : null;
  const snapshot = useSyncExternalStore(
    engine?.subscribe ?? noSubscription,
    engine?.getSnapshot ?? (() => NO_ENGINE_SNAPSHOT),
  );
  // Read once: a remembered wallet shows "connecting" from the first render, so the buttons do not flash.
  const [remembered] = useState(() => loadConnector(storage));
  const [failure, setFailure] = useState<TFailure | null>(null);

  const state = useMemo((): TWalletState => {
    if (failure !== null) return { status: 'error', ...failure };
    if (load.status === 'failed')
      return { status: 'error', connector: remembered ?? 'injected', error: load.error };
    if (engine === null) {
      return remembered === null
        ? { status: 'disconnected' }
        : { status: 'connecting', connector: remembered };
    }
    const connection = snapshot.connection;
    switch (connection.status) {
      case 'idle':
        return { status: 'disconnected' };
      case 'busy':
        return {
          status: 'connecting',
          connector: connection.connectorId,
          connectorName: connection.connectorName,
        };
      case 'open': {
        const { connectorId: connector, connectorName, address, chainId, canSwitch } = connection;
        if (expectedChainId !== null && chainId !== expectedChainId) {
          return {
            status: 'wrong-network',
            connector,
            connectorName,
            address,
            chainId,
            expectedChainId,
            canSwitch,
          };
        }
        const wallet = engine.wallet(() => expectedChainIdRef.current);
        if (wallet === null) return { status: 'disconnected' };
        return { status: 'connected', connector, connectorName, address, chainId, wallet };
      }
    }
  }, [failure, load, engine, remembered, snapshot, expectedChainId]);

  const connectors = snapshot.connectors;
  const connect = useCallback(
    async (connectorId: TConnectorId) => {
      if (engine === null) return;
      setFailure(null);
      try {
        await engine.connect(connectorId);
      } catch (error) {
        const walletError = toWalletError(error);
        // Saying no to the wallet's prompt is a choice, not an error to show in red.
        if (walletError.code === 'USER_REJECTED') return;
        const name = connectors.find((option: TConnectorOption) => option.id === connectorId)?.name;
        setFailure({ connector: connectorId, connectorName: name ?? connectorId, error: walletError });
      }
    },
    [engine, connectors],
  );

  const disconnect = useCallback(() => {
    setFailure(null);
    void engine?.disconnect();
  }, [engine]);

  const switchToExpectedChain = useCallback(async () => {
    const expected = expectedChainIdRef.current;
    if (engine === null || expected === null) return;
    try {
      await engine.switchChain(expected);
    } catch (error) {
      const walletError = toWalletError(error);
      if (walletError.code !== 'CHAIN_NOT_ADDED') throw walletError;
      const name = chainName(expected);
      throw new WalletError(
        'CHAIN_NOT_ADDED',
        `Your wallet does not know chain ${expected}${name === null ? '' : ` (${name})`}. Add that network in your wallet, then switch to it.`,
        { cause: error },
      );
    }
  }, [engine]);

  const value = useMemo(
    (): TWalletContext => ({
      state,
      connectors,
      expectedChainId,
      connect,
      disconnect,
      switchToExpectedChain,
    }),
    [state, connectors, expectedChainId, connect, disconnect, switchToExpectedChain],
  );

  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}
