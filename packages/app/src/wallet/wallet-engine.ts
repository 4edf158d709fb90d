import type { Address, Chain } from 'viem';
import {
  type Config,
  type Connector,
  type CreateConnectorFn,
  createConfig,
  createStorage,
  http,
  injected,
} from 'wagmi';
import { connect, disconnect, reconnect, switchChain, watchConnection, watchConnectors } from 'wagmi/actions';
import { baseAccount } from 'wagmi/connectors/baseAccount';
import { coinbaseWallet } from 'wagmi/connectors/coinbaseWallet';
import { safe } from 'wagmi/connectors/safe';
import { walletConnect } from 'wagmi/connectors/walletConnect';
import { INJECTED_PROVIDER_WAIT_MS } from '../limits';
import { connectorOptions, GENERIC_INJECTED_ID } from './connector-options';
import { loadConnector, saveConnector, type TKeyValueStorage } from './connector-storage';
import { devWalletConnector, type TDevWalletSession } from './dev-connector';
import { pageWallet } from './page-wallet';
import type { TConnectorOption } from './wallet-context';
import { toSwitchChainError, toWalletError, WalletError } from './wallet-error';
import type { TWallet } from './wallet-session';

/**
 * The wallet layer under useWallet(): one wagmi config with every connector the platform offers, and the
 * little state wagmi does not keep (which connector is being connected, which one to reconnect on the next
 * visit). Loaded on demand after the first render (wallet-provider.tsx), so that wagmi and viem stay out of
 * the first page's bundle; the SDKs of WalletConnect, Coinbase Wallet, Base Account and Safe are loaded by
 * their connectors only when the user picks them.
 *
 * Key format: wagmi keeps its own connector state (WalletConnect's requested chains, the injected
 * connector's disconnect shim) in localStorage under `sge.wagmi.*`; the app's remembered choice is
 * `sge.wallet.connector` (connector-storage.ts).
 */

/** What the wallet provider shows: the connection, and the connect buttons. */
export type TEngineConnection =
  | { status: 'idle' }
  | { status: 'busy'; connectorId: string; connectorName: string }
  | {
      status: 'open';
      connectorId: string;
      connectorName: string;
      address: Address;
      chainId: number;
      /** Whether the wallet can be asked to switch networks (the dev wallet cannot). */
      canSwitch: boolean;
    };

export interface TEngineSnapshot {
  connection: TEngineConnection;
  connectors: readonly TConnectorOption[];
}

export interface TWalletEngine {
  /** The current snapshot; the same object until something changes (for useSyncExternalStore). */
  getSnapshot(): TEngineSnapshot;
  subscribe(listener: () => void): () => void;
  /** Connects with the connector `connectorId`, asking the user. Rejects with a WalletError. */
  connect(connectorId: string): Promise<void>;
  /** Reconnects the remembered connector without a prompt (or a Safe when open as a Safe App). */
  restore(): Promise<void>;
  disconnect(): Promise<void>;
  /** Asks the wallet to switch to `chainId`. Rejects with a WalletError. */
  switchChain(chainId: number): Promise<void>;
  /** The connected wallet's methods, or null when nothing is connected. */
  wallet(expectedChainId: () => number | null): TWallet | null;
  destroy(): void;
}

export interface TWalletEngineOptions {
  /** The platform's chain, as wallets should know it (wallet-chains.ts). */
  chain: Chain;
  /** Offers the dev wallet (Mock mode only). */
  loadDevSession: (() => Promise<TDevWalletSession>) | null;
  /** WalletConnect Cloud project id (VITE_WALLETCONNECT_PROJECT_ID); no WalletConnect without one. */
  walletConnectProjectId: string | null;
  storage: TKeyValueStorage | null;
}

/** Shown by wallets that display the requesting app (WalletConnect, Coinbase Wallet, Base Account). */
const APP_NAME = 'SGE';

/**
 * WalletConnect's connector loads its SDK and opens a relay connection in `setup`, which wagmi runs when the
 * config is created; without it, that happens only when the user picks WalletConnect (its connect() sets up
 * the same listeners).
 */
function withoutEagerSetup(connectorFn: CreateConnectorFn): CreateConnectorFn {
  return (config) => {
    const { setup: _eager, ...rest } = connectorFn(config);
    return rest;
  };
}

function isInIframe(): boolean {
  return typeof window !== 'undefined' && window.parent !== window;
}

function hasWindowEthereum(): boolean {
  return typeof window !== 'undefined' && typeof (window as { ethereum?: unknown }).ethereum === 'object';
}

function createWalletConfig(options: TWalletEngineOptions): Config {
  const connectors: CreateConnectorFn[] = [];
  if (options.loadDevSession !== null) {
    connectors.push(devWalletConnector({ loadSession: options.loadDevSession }) as CreateConnectorFn);
  }
  connectors.push(injected());
  if (options.walletConnectProjectId !== null) {
    const metadata = { name: APP_NAME, description: 'SGE', url: window.location.origin, icons: [] };
    connectors.push(
      withoutEagerSetup(
        walletConnect({ projectId: options.walletConnectProjectId, metadata, showQrModal: true }),
      ),
    );
  }
  connectors.push(coinbaseWallet({ appName: APP_NAME }), baseAccount({ appName: APP_NAME }));
  if (isInIframe()) connectors.push(safe());
  return createConfig({
    chains: [options.chain],
    connectors,
    transports: { [options.chain.id]: http() },
    multiInjectedProviderDiscovery: true,
    storage: createStorage({ key: 'sge.wagmi', storage: options.storage ?? undefined }),
  }) as unknown as Config;
}

/**
 * Creates the engine. Call destroy() when done (the provider does, on unmount or a change of chain).
 *
 * @example const engine = createWalletEngine({ chain, loadDevSession: null, walletConnectProjectId: null, storage: localStorage });
 */
export function createWalletEngine(options: TWalletEngineOptions): TWalletEngine {
  const config = createWalletConfig(options);
  const listeners = new Set<() => void>();
  let pending: { connectorId: string; connectorName: string } | null = null;
  let options_: readonly TConnectorOption[] = [];
  let snapshot: TEngineSnapshot = { connection: { status: 'idle' }, connectors: [] };

  const nameOf = (connector: Connector) =>
    options_.find((option) => option.id === connector.id)?.name ?? connector.name;

  function connection(): TEngineConnection {
    if (pending !== null) return { status: 'busy', ...pending };
    const { status, current, connections } = config.state;
    const open = current === null ? undefined : connections.get(current);
    const address = open?.accounts[0];
    if (
      open === undefined ||
      address === undefined ||
      (status !== 'connected' && status !== 'reconnecting')
    ) {
      return { status: 'idle' };
    }
    return {
      status: 'open',
      connectorId: open.connector.id,
      connectorName: nameOf(open.connector),
      address,
      chainId: open.chainId,
      canSwitch: typeof open.connector.switchChain === 'function',
    };
  }

  function refresh() {
    options_ = connectorOptions(config.connectors, { hasWindowEthereum: hasWindowEthereum() });
    const next = { connection: connection(), connectors: options_ };
    if (JSON.stringify(next) === JSON.stringify(snapshot)) return;
    snapshot = next;
    for (const listener of listeners) listener();
  }

  const stopWatchingConnection = watchConnection(config, {
    onChange(next, previous) {
      // The wallet ended the connection (or the user did): forget it, so a reload does not reconnect.
      if (previous.status === 'connected' && next.status === 'disconnected')
        saveConnector(options.storage, null);
      refresh();
    },
  });
  const stopWatchingConnectors = watchConnectors(config, { onChange: refresh });
  // Some extensions inject window.ethereum only after the page has loaded.
  window.addEventListener('ethereum#initialized', refresh);
  refresh();

  /** The connector `id`, waiting up to INJECTED_PROVIDER_WAIT_MS for a wallet that announces itself late. */
  async function findConnector(id: string): Promise<Connector | null> {
    const ready = () =>
      config.connectors.find(
        (connector) => connector.id === id && (id !== GENERIC_INJECTED_ID || hasWindowEthereum()),
      ) ?? null;
    const found = ready();
    if (found !== null) return found;
    return await new Promise((resolve) => {
      const check = () => {
        const connector = ready();
        if (connector === null) return;
        done(connector);
      };
      const done = (connector: Connector | null) => {
        clearTimeout(timer);
        stop();
        window.removeEventListener('ethereum#initialized', check);
        resolve(connector);
      };
      const timer = setTimeout(() => done(null), INJECTED_PROVIDER_WAIT_MS);
      const stop = watchConnectors(config, { onChange: check });
      window.addEventListener('ethereum#initialized', check);
    });
  }

  async function withPending<T>(connectorId: string, connectorName: string, run: () => Promise<T>) {
    pending = { connectorId, connectorName };
    refresh();
    try {
      return await run();
    } finally {
      pending = null;
      refresh();
    }
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async connect(connectorId) {
      const connector = config.connectors.find((candidate) => candidate.id === connectorId);
      if (connector === undefined) {
        throw new WalletError('NO_INJECTED_WALLET', `The wallet "${connectorId}" is not available here.`);
      }
      await withPending(connectorId, nameOf(connector), async () => {
        try {
          if (config.state.current !== null) await disconnect(config);
          await connect(config, { connector });
          saveConnector(options.storage, connectorId);
        } catch (error) {
          throw toWalletError(error);
        }
      });
    },
    async restore() {
      const remembered = loadConnector(options.storage);
      const connectorId = remembered ?? (isInIframe() ? 'safe' : null);
      if (connectorId === null) return;
      const name = options_.find((option) => option.id === connectorId)?.name ?? 'wallet';
      const restored = await withPending(connectorId, name, async () => {
        const connector = await findConnector(connectorId);
        if (connector === null) return false;
        return (await reconnect(config, { connectors: [connector] })).length > 0;
      });
      // No authorised account any more (or no such wallet in this browser): the user connects again.
      if (!restored && remembered !== null) saveConnector(options.storage, null);
    },
    async disconnect() {
      saveConnector(options.storage, null);
      pending = null;
      await disconnect(config).catch(() => {});
      refresh();
    },
    async switchChain(chainId) {
      await switchChain(config, { chainId }).catch((error: unknown) => {
        throw toSwitchChainError(error);
      });
    },
    wallet(expectedChainId) {
      const open = snapshot.connection;
      if (open.status !== 'open') return null;
      const connector = config.state.connections.get(config.state.current ?? '')?.connector;
      if (connector === undefined) return null;
      return pageWallet({ config, connector, address: open.address, chainId: open.chainId, expectedChainId });
    },
    destroy() {
      stopWatchingConnection();
      stopWatchingConnectors();
      window.removeEventListener('ethereum#initialized', refresh);
      listeners.clear();
    },
  };
}
