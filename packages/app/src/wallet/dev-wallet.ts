import { createPublicClient, createWalletClient, getAddress, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { TDevWallet } from '../api/dev-wallet';
import { RECEIPT_POLL_INTERVAL_MS, TRANSACTION_RECEIPT_TIMEOUT_MS } from '../limits';
import { WalletError } from './wallet-error';
import { platformChain, type TWalletSession } from './wallet-session';

/**
 * Mock mode's dev wallet: anvil's published development account #9 (GET /api/dev/wallet), signing in the
 * page with viem's local account and talking to the embedded chain through the API's JSON-RPC proxy
 * (POST /api/dev/rpc). It exists so that everything a user does with a browser wallet can be done in Mock
 * mode without installing one. The key is public knowledge and only ever holds local test funds; the API
 * serves it only in Mock mode.
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

/**
 * A wallet session over the dev wallet's key. `rpcUrl` is the chain's JSON-RPC endpoint (the API's proxy in
 * the app; a plain anvil in tests). The session never changes account or chain.
 *
 * @example
 * const session = createDevWalletSession({ devWallet: await api.getDevWallet(), rpcUrl: devRpcUrl('', location.origin) });
 */
export function createDevWalletSession({
  devWallet,
  rpcUrl,
}: {
  devWallet: TDevWallet;
  rpcUrl: string;
}): TWalletSession {
  const account = privateKeyToAccount(devWallet.privateKey as Hex);
  if (account.address !== getAddress(devWallet.address)) {
    throw new WalletError(
      'DEV_WALLET_UNAVAILABLE',
      `The API's dev wallet key belongs to ${account.address}, not to the address it reported (${devWallet.address}).`,
    );
  }
  const chain = platformChain(devWallet.chainId, rpcUrl);
  const transport = http(rpcUrl);
  const walletClient = createWalletClient({
    account,
    chain,
    transport,
    pollingInterval: RECEIPT_POLL_INTERVAL_MS,
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: RECEIPT_POLL_INTERVAL_MS });

  return {
    connector: 'dev',
    address: account.address,
    chainId: devWallet.chainId,
    signMessage: (message) => account.signMessage({ message }),
    // Mock mode's dev wallet signs silently (no prompt): the key is the API's development key.
    signTypedData: (typedData) => account.signTypedData(typedData),
    sendTransaction: (request, sendChain) =>
      walletClient.sendTransaction({
        account,
        chain: sendChain,
        to: request.to,
        data: request.data,
        value: request.value,
      }),
    waitForReceipt: (hash) =>
      publicClient.waitForTransactionReceipt({ hash, timeout: TRANSACTION_RECEIPT_TIMEOUT_MS }),
    switchChain: null,
    subscribe: () => () => {},
    close: () => {},
  };
}
