import {
  type Chain,
  type Client,
  createWalletClient,
  type EIP1193RequestFn,
  getAddress,
  type Hex,
  http,
  type LocalAccount,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createConnector } from 'wagmi';
import type { TDevWallet } from '../api/dev-wallet';
import { RECEIPT_POLL_INTERVAL_MS } from '../limits';
import { walletChain } from './wallet-chains';
import { WalletError } from './wallet-error';

/**
 * Mock mode's dev wallet as a wagmi connector: anvil's published development account #9 (GET /api/dev/wallet),
 * signing in the page with viem's local account and talking to the embedded chain through the API's JSON-RPC
 * proxy (POST /api/dev/rpc). It exists so that everything a user does with a browser wallet can be done in
 * Mock mode without installing one. The key is public knowledge and only ever holds local test funds; the
 * API serves it only in Mock mode. Pages reach it through the same wagmi actions as every other wallet: the
 * connector hands wagmi a client with the local account (getClient), so signatures never leave the page.
 */

/**
 * The absolute URL of the API's dev JSON-RPC proxy: viem's http transport needs an absolute URL, and the
 * API may be on the app's origin (`apiBaseUrl` '') or another one.
 *
 * @example devRpcUrl('', 'http://localhost:5173') // 'http://localhost:5173/api/dev/rpc'
 */
export function devRpcUrl(apiBaseUrl: string, origin: string): string {
  return new URL(`${apiBaseUrl}/api/dev/rpc`, origin).href;
}

/** The dev wallet, ready to sign and send: its local account and the chain it is on. */
export interface TDevWalletSession {
  account: LocalAccount;
  chain: Chain;
  /** A viem client with the local account: wagmi's actions sign with it and send through the dev RPC. */
  client: Client;
}

/**
 * The dev wallet's session over its key. `rpcUrl` is the chain's JSON-RPC endpoint (the API's proxy in the
 * app; a plain anvil in tests). Refuses a key that does not belong to the address the API reported.
 *
 * @example const session = createDevWalletSession({ devWallet: await api.getDevWallet(), rpcUrl });
 */
export function createDevWalletSession({
  devWallet,
  rpcUrl,
}: {
  devWallet: TDevWallet;
  rpcUrl: string;
}): TDevWalletSession {
  const account = privateKeyToAccount(devWallet.privateKey as Hex);
  if (account.address !== getAddress(devWallet.address)) {
    throw new WalletError(
      'DEV_WALLET_UNAVAILABLE',
      `The API's dev wallet key belongs to ${account.address}, not to the address it reported (${devWallet.address}).`,
    );
  }
  const chain = walletChain(devWallet.chainId, rpcUrl);
  const client = createWalletClient({
    account,
    chain,
    transport: http(rpcUrl),
    pollingInterval: RECEIPT_POLL_INTERVAL_MS,
  });
  return { account, chain, client };
}

/**
 * The dev wallet connector. `loadSession` fetches the dev wallet from the API (and fails with
 * DEV_WALLET_UNAVAILABLE outside Mock mode); it runs on connect and on a silent reconnect, never before.
 *
 * @example createConfig({ chains, connectors: [devWalletConnector({ loadSession })], transports })
 */
export function devWalletConnector({ loadSession }: { loadSession: () => Promise<TDevWalletSession> }) {
  let session: TDevWalletSession | null = null;
  const requireSession = (): TDevWalletSession => {
    if (session === null) throw new WalletError('NO_ACCOUNT', 'The dev wallet is not connected.');
    return session;
  };

  return createConnector<{ request: EIP1193RequestFn }>((config) => ({
    id: 'dev',
    name: 'Dev wallet (Mock mode)',
    type: 'dev',
    async connect() {
      session ??= await loadSession();
      const result = { accounts: [session.account.address], chainId: session.chain.id };
      // wagmi's connect() is generic over `withCapabilities`; the app never asks for capabilities.
      return result as never;
    },
    async disconnect() {
      session = null;
    },
    async getAccounts() {
      return [requireSession().account.address];
    },
    async getChainId() {
      return session?.chain.id ?? config.chains[0].id;
    },
    async getProvider() {
      // Reads go to the dev RPC; signing never goes through a provider (see getClient). wagmi's reconnect
      // asks for the provider first, so this loads the wallet too.
      session ??= await loadSession();
      return { request: session.client.request as EIP1193RequestFn };
    },
    async getClient() {
      return requireSession().client;
    },
    async isAuthorized() {
      try {
        session ??= await loadSession();
        return true;
      } catch {
        return false;
      }
    },
    // The dev wallet never changes account or chain by itself.
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {
      session = null;
      config.emitter.emit('disconnect');
    },
  }));
}
