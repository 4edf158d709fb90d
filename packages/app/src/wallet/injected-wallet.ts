import { type Address, createPublicClient, createWalletClient, custom, getAddress, toHex } from 'viem';
import { RECEIPT_POLL_INTERVAL_MS, TRANSACTION_RECEIPT_TIMEOUT_MS } from '../limits';
import { firstAccount, parseChainId, type TEip1193Provider } from './eip1193';
import { WalletError } from './wallet-error';
import type { TSessionEvent, TWalletSession } from './wallet-session';

/**
 * The browser's injected wallet (EIP-1193 `window.ethereum`: MetaMask, Coinbase Wallet extension, Rabby, a
 * mobile wallet's in-app browser) through viem's custom transport. Reads (receipts) go through the wallet's
 * own RPC too, so the app needs no RPC endpoint of its own.
 */

async function readChainId(provider: TEip1193Provider): Promise<number> {
  const raw = await provider.request({ method: 'eth_chainId' });
  const chainId = parseChainId(raw);
  if (chainId === null)
    throw new WalletError('FAILED', `The wallet reported an unreadable chain id: ${String(raw)}`);
  return chainId;
}

/**
 * Connects to `provider`. With `silent`, only an account the site is already authorised for is used
 * (`eth_accounts`, no prompt) and null means there is none: that is how a returning visitor is reconnected
 * without a popup. Without it, the wallet asks the user (`eth_requestAccounts`).
 *
 * @example
 * const session = await connectInjectedWallet({ provider: getInjectedProvider()!, silent: false });
 */
export async function connectInjectedWallet({
  provider,
  silent,
}: {
  provider: TEip1193Provider;
  silent: boolean;
}): Promise<TWalletSession | null> {
  const accounts = await provider.request({ method: silent ? 'eth_accounts' : 'eth_requestAccounts' });
  const first = firstAccount(accounts);
  if (first === null) {
    if (silent) return null;
    throw new WalletError('NO_ACCOUNT', 'The wallet did not give this site an account. Is it unlocked?');
  }
  let address: Address = getAddress(first);
  const chainId = await readChainId(provider);

  const transport = custom(provider);
  const walletClient = createWalletClient({ transport, pollingInterval: RECEIPT_POLL_INTERVAL_MS });
  const publicClient = createPublicClient({ transport, pollingInterval: RECEIPT_POLL_INTERVAL_MS });

  const listeners = new Set<(event: TSessionEvent) => void>();
  const emit = (event: TSessionEvent) => {
    for (const listener of listeners) listener(event);
  };
  const onAccountsChanged = (accounts: unknown) => {
    const next = firstAccount(accounts);
    if (next === null) {
      emit({ type: 'disconnected' });
      return;
    }
    address = getAddress(next);
    emit({ type: 'account-changed', address });
  };
  const onChainChanged = (raw: unknown) => {
    const next = parseChainId(raw);
    if (next !== null) emit({ type: 'chain-changed', chainId: next });
  };
  const onDisconnect = () => emit({ type: 'disconnected' });
  // EIP-1193 event listeners; the casts are needed because wallets type their listeners differently.
  provider.on?.('accountsChanged', onAccountsChanged as (...args: never[]) => void);
  provider.on?.('chainChanged', onChainChanged as (...args: never[]) => void);
  provider.on?.('disconnect', onDisconnect);
  let closed = false;

  return {
    connector: 'injected',
    address,
    chainId,
    signMessage: (message) => walletClient.signMessage({ account: address, message }),
    signTypedData: (typedData) => walletClient.signTypedData({ account: address, ...typedData }),
    sendTransaction: (request, chain) =>
      walletClient.sendTransaction({
        account: address,
        chain,
        to: request.to,
        data: request.data,
        value: request.value,
      }),
    waitForReceipt: (hash) =>
      publicClient.waitForTransactionReceipt({ hash, timeout: TRANSACTION_RECEIPT_TIMEOUT_MS }),
    switchChain: async (targetChainId) => {
      await provider.request({
        method: 'wallet_switchEthereumChain',
        params: [{ chainId: toHex(targetChainId) }],
      });
      // Not every wallet emits chainChanged after a switch it performed; read the chain to be sure.
      emit({ type: 'chain-changed', chainId: await readChainId(provider) });
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      if (closed) return;
      closed = true;
      listeners.clear();
      provider.removeListener?.('accountsChanged', onAccountsChanged as (...args: never[]) => void);
      provider.removeListener?.('chainChanged', onChainChanged as (...args: never[]) => void);
      provider.removeListener?.('disconnect', onDisconnect);
    },
  };
}
