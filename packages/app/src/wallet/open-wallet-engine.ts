import type { TMode } from '@sge/shared';
import { api, apiBaseUrl } from '../api/api';
import { ApiError, describeApiError } from '../api/api-error';
import type { TKeyValueStorage } from './connector-storage';
import { createDevWalletSession, devRpcUrl, type TDevWalletSession } from './dev-connector';
import { walletChain } from './wallet-chains';
import { createWalletEngine, type TWalletEngine } from './wallet-engine';
import { WalletError } from './wallet-error';

/**
 * Builds the wallet engine for what the API said about the platform: loaded by wallet-provider.tsx with a
 * dynamic import, so that wagmi, viem and the connectors are not part of the first page's bundle.
 */

/**
 * The chain wallets are configured with while the API cannot say which one the platform runs on. Nothing is
 * sent meanwhile (sendTransaction refuses without the platform's chain id), so it only fills wagmi's
 * required chain list.
 */
const UNKNOWN_PLATFORM_CHAIN_ID = 1;

/** Loads the dev wallet from the API; a 404 means the API is not in Mock mode. */
async function loadDevSession(rpcUrl: string): Promise<TDevWalletSession> {
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
  return createDevWalletSession({ devWallet, rpcUrl });
}

/** VITE_WALLETCONNECT_PROJECT_ID, fixed at build time; WalletConnect is offered only with one. */
export function walletConnectProjectId(raw: string | undefined): string | null {
  const value = (raw ?? '').trim();
  return value === '' ? null : value;
}

/**
 * The engine for the platform's `mode` and `chainId` (null while unknown).
 *
 * @example const engine = openWalletEngine({ mode: 'MOCK', chainId: 31337, storage: localStorage });
 */
export function openWalletEngine({
  mode,
  chainId,
  storage,
}: {
  mode: TMode | null;
  chainId: number | null;
  storage: TKeyValueStorage | null;
}): TWalletEngine {
  const rpcUrl = mode === 'MOCK' ? devRpcUrl(apiBaseUrl, window.location.origin) : undefined;
  return createWalletEngine({
    chain: walletChain(chainId ?? UNKNOWN_PLATFORM_CHAIN_ID, rpcUrl),
    loadDevSession: rpcUrl === undefined ? null : () => loadDevSession(rpcUrl),
    walletConnectProjectId: walletConnectProjectId(import.meta.env.VITE_WALLETCONNECT_PROJECT_ID),
    storage,
  });
}
