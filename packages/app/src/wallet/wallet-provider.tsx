import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Address } from 'viem';
import { api, apiBaseUrl } from '../api/api';
import { ApiError, describeApiError } from '../api/api-error';
import { useChainSettings } from '../api/use-chain-settings';
import { chainName } from '../lib/format';
import { INJECTED_PROVIDER_WAIT_MS } from '../limits';
import { browserStorage, loadConnector, saveConnector } from './connector-storage';
import { getInjectedProvider } from './eip1193';
import {
  type TConnectorOption,
  type TWalletContext,
  type TWalletState,
  WalletContext,
} from './wallet-context';
import { toWalletError, WalletError } from './wallet-error';
import { platformChain, type TConnectorId, type TWallet, type TWalletSession } from './wallet-session';

/** What the provider itself tracks; TWalletState is derived from it and the platform's chain id. */
type TConnection =
  | { status: 'disconnected' }
  | { status: 'connecting'; connector: TConnectorId }
  | { status: 'open'; session: TWalletSession; address: Address; chainId: number }
  | { status: 'error'; connector: TConnectorId; error: WalletError };

function rethrowAsWalletError(error: unknown): never {
  throw toWalletError(error);
}

/** Loads the dev wallet from the API; a 404 means the API is not in Mock mode. */
async function openDevSession(): Promise<TWalletSession> {
  let devWallet: Awaited<ReturnType<typeof api.getDevWallet>>;
  try {
    devWallet = await api.getDevWallet();
  } catch (error) {
    const notMock = error instanceof ApiError && error.failure.kind === 'api' && error.failure.status === 404;
    throw new WalletError(
      'DEV_WALLET_UNAVAILABLE',
      notMock
        ? 'The API offers no dev wallet: it is not running in Mock mode.'
        : `Could not load the dev wallet: ${describeApiError(error).summary.toLowerCase()}.`,
      { cause: error },
    );
  }
  // Loaded on demand: the signing code (viem accounts, secp256k1) stays out of the first page load.
  const { createDevWalletSession, devRpcUrl } = await import('./dev-wallet');
  return createDevWalletSession({ devWallet, rpcUrl: devRpcUrl(apiBaseUrl, window.location.origin) });
}

async function openInjectedSession(silent: boolean): Promise<TWalletSession | null> {
  const provider = getInjectedProvider();
  if (provider === null) {
    if (silent) return null;
    throw new WalletError('NO_INJECTED_WALLET', 'No browser wallet was found.');
  }
  const { connectInjectedWallet } = await import('./injected-wallet');
  return await connectInjectedWallet({ provider, silent });
}

/** The wallet a page gets: the session's methods with errors translated and sends pinned to the platform's chain. */
function pageWallet(
  session: TWalletSession,
  address: Address,
  chainId: number,
  expectedChainId: () => number | null,
): TWallet {
  return {
    connector: session.connector,
    address,
    chainId,
    signMessage: (message) => session.signMessage(message).catch(rethrowAsWalletError),
    signTypedData: (typedData) => session.signTypedData(typedData).catch(rethrowAsWalletError),
    sendTransaction: async (request) => {
      const expected = expectedChainId();
      if (expected === null) {
        throw new WalletError(
          'WRONG_NETWORK',
          "The platform's chain is not known yet (the API has not answered), so nothing was sent.",
        );
      }
      // viem checks the wallet's current chain against this one right before sending (ChainMismatchError).
      return await session.sendTransaction(request, platformChain(expected)).catch(rethrowAsWalletError);
    },
    waitForReceipt: (hash) => session.waitForReceipt(hash).catch(rethrowAsWalletError),
  };
}

/**
 * Holds the wallet connection for the whole app (see useWallet). Offers the dev wallet in Mock mode and the
 * browser's injected wallet; remembers the choice in localStorage and reconnects it on the next visit
 * without a prompt (the dev wallet only while the API is still in Mock mode; a browser wallet only if it
 * still authorises this site). WalletConnect and the Coinbase Wallet SDK are not included: they need SDKs
 * several times the size of this app; the Coinbase Wallet extension and mobile in-app browsers inject
 * `window.ethereum` and are covered by the injected connector.
 */
export function WalletProvider({ children }: { children: ReactNode }) {
  const storage = useMemo(() => browserStorage(), []);
  const settings = useChainSettings();
  const mode = settings.data?.mode ?? null;
  const expectedChainId = settings.data?.chainId ?? null;
  const expectedChainIdRef = useRef(expectedChainId);
  expectedChainIdRef.current = expectedChainId;

  // A remembered connector shows "connecting" from the first render, so the connect buttons do not flash.
  const [connection, setConnection] = useState<TConnection>(() => {
    const remembered = loadConnector(storage);
    return remembered === null ? { status: 'disconnected' } : { status: 'connecting', connector: remembered };
  });
  const [hasInjected, setHasInjected] = useState(() => getInjectedProvider() !== null);
  const sessionRef = useRef<TWalletSession | null>(null);
  // Each connect() gets a number; a result for an older number (the user clicked again, or disconnected
  // meanwhile) is dropped.
  const attemptRef = useRef(0);

  const closeSession = useCallback(() => {
    sessionRef.current?.close();
    sessionRef.current = null;
  }, []);

  const open = useCallback(
    async (connector: TConnectorId, silent: boolean) => {
      const attempt = ++attemptRef.current;
      closeSession();
      setConnection({ status: 'connecting', connector });
      try {
        const session = connector === 'dev' ? await openDevSession() : await openInjectedSession(silent);
        if (attempt !== attemptRef.current) {
          session?.close();
          return;
        }
        if (session === null) {
          // A silent reconnect found no authorised account: the user has to connect again.
          saveConnector(storage, null);
          setConnection({ status: 'disconnected' });
          return;
        }
        sessionRef.current = session;
        saveConnector(storage, connector);
        setConnection({ status: 'open', session, address: session.address, chainId: session.chainId });
      } catch (error) {
        if (attempt !== attemptRef.current) return;
        const walletError = toWalletError(error);
        // Saying no to the wallet's prompt is a choice, not an error to show in red.
        setConnection(
          walletError.code === 'USER_REJECTED'
            ? { status: 'disconnected' }
            : { status: 'error', connector, error: walletError },
        );
      }
    },
    [closeSession, storage],
  );

  const disconnect = useCallback(() => {
    attemptRef.current++;
    closeSession();
    saveConnector(storage, null);
    setConnection({ status: 'disconnected' });
  }, [closeSession, storage]);

  // Follow the wallet: another account, another chain, or gone.
  const openSession = connection.status === 'open' ? connection.session : null;
  useEffect(() => {
    if (openSession === null) return;
    return openSession.subscribe((event) => {
      if (event.type === 'disconnected') {
        if (sessionRef.current === openSession) disconnect();
        return;
      }
      setConnection((current) => {
        if (current.status !== 'open' || current.session !== openSession) return current;
        return event.type === 'account-changed'
          ? { ...current, address: event.address }
          : { ...current, chainId: event.chainId };
      });
    });
  }, [openSession, disconnect]);

  // Reconnect the remembered connector once, when what it needs is known.
  const restoredRef = useRef(false);
  const settingsSettled = settings.data !== undefined || settings.isError;
  useEffect(() => {
    if (restoredRef.current) return;
    const remembered = loadConnector(storage);
    if (remembered === null) {
      restoredRef.current = true;
      return;
    }
    if (remembered === 'injected') {
      restoredRef.current = true;
      if (getInjectedProvider() !== null) {
        void open('injected', true);
        return;
      }
      // Some extensions inject themselves after the page has loaded and announce it with this event.
      const onInitialized = () => {
        clearTimeout(timer);
        setHasInjected(getInjectedProvider() !== null);
        void open('injected', true);
      };
      const timer = setTimeout(() => {
        window.removeEventListener('ethereum#initialized', onInitialized);
        setConnection((current) => (current.status === 'connecting' ? { status: 'disconnected' } : current));
      }, INJECTED_PROVIDER_WAIT_MS);
      window.addEventListener('ethereum#initialized', onInitialized, { once: true });
      return;
    }
    // The dev wallet: wait for the mode, then reconnect only in Mock mode. If the API cannot be asked,
    // try anyway: the attempt then shows why the dev wallet is unavailable.
    if (!settingsSettled) return;
    restoredRef.current = true;
    if (mode === 'MOCK' || mode === null) {
      void open('dev', true);
    } else {
      saveConnector(storage, null);
      setConnection({ status: 'disconnected' });
    }
  }, [storage, open, mode, settingsSettled]);

  // An extension that arrives late still becomes connectable.
  useEffect(() => {
    if (hasInjected) return;
    const onInitialized = () => setHasInjected(getInjectedProvider() !== null);
    window.addEventListener('ethereum#initialized', onInitialized, { once: true });
    return () => window.removeEventListener('ethereum#initialized', onInitialized);
  }, [hasInjected]);

  // Close the session when the app goes away (only matters for tests and hot reloads).
  useEffect(() => closeSession, [closeSession]);

  const state = useMemo((): TWalletState => {
    switch (connection.status) {
      case 'disconnected':
      case 'connecting':
      case 'error':
        return connection;
      case 'open': {
        const { session, address, chainId } = connection;
        if (expectedChainId !== null && chainId !== expectedChainId) {
          return {
            status: 'wrong-network',
            connector: session.connector,
            address,
            chainId,
            expectedChainId,
            canSwitch: session.switchChain !== null,
          };
        }
        return {
          status: 'connected',
          connector: session.connector,
          address,
          chainId,
          wallet: pageWallet(session, address, chainId, () => expectedChainIdRef.current),
        };
      }
    }
  }, [connection, expectedChainId]);

  const connectors = useMemo((): TConnectorOption[] => {
    const options: TConnectorOption[] = [];
    if (mode === 'MOCK') {
      options.push({
        id: 'dev',
        label: 'Use the dev wallet (Mock mode)',
        description:
          'A test account on the local chain. Nothing to install; its key is public, so test funds only.',
        unavailableReason: null,
      });
    }
    options.push({
      id: 'injected',
      label: 'Connect browser wallet',
      description: 'MetaMask, Coinbase Wallet, Rabby or the browser of your wallet app.',
      unavailableReason: hasInjected
        ? null
        : 'No browser wallet found. Install a wallet extension, or open this page in your wallet app.',
    });
    return options;
  }, [mode, hasInjected]);

  const switchToExpectedChain = useCallback(async () => {
    const session = sessionRef.current;
    const expected = expectedChainIdRef.current;
    if (session === null || expected === null) return;
    if (session.switchChain === null) {
      throw new WalletError('FAILED', 'This wallet cannot switch networks.');
    }
    try {
      await session.switchChain(expected);
    } catch (error) {
      const walletError = toWalletError(error);
      if (walletError.code === 'CHAIN_NOT_ADDED') {
        const name = chainName(expected);
        throw new WalletError(
          'CHAIN_NOT_ADDED',
          `Your wallet does not know chain ${expected}${name === null ? '' : ` (${name})`}. Add that network in your wallet, then switch to it.`,
          { cause: error },
        );
      }
      throw walletError;
    }
  }, []);

  const connect = useCallback((connector: TConnectorId) => open(connector, false), [open]);

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
