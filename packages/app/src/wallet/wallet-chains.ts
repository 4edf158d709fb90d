import type { Chain } from 'viem';
import { arbitrum, base, baseSepolia, mainnet, optimism, sepolia } from 'viem/chains';
import { platformChain } from './wallet-session';

/**
 * The networks the platform can run on (SPEC §9), as viem describes them: name, native currency, a public
 * RPC and the block explorer. Wallets need these to add a network they do not know (wallet_addEthereumChain),
 * and WalletConnect reads through the RPC. The shared network registry (packages/shared) is the source of
 * truth for the platform's own settings; this list only serves the wallets.
 */
const KNOWN_CHAINS: readonly Chain[] = [mainnet, sepolia, base, baseSepolia, arbitrum, optimism];

/**
 * The chain wallets are asked to use: viem's description of a known network, or a plain one for any other
 * chain id (a local chain). With `rpcUrl` (Mock mode's dev RPC) the chain's RPC is that URL.
 *
 * @example walletChain(8453).name // 'Base'
 * @example walletChain(31337, 'http://localhost:5173/api/dev/rpc').rpcUrls.default.http // ['http://localhost:5173/api/dev/rpc']
 */
export function walletChain(chainId: number, rpcUrl?: string): Chain {
  const known = KNOWN_CHAINS.find((chain) => chain.id === chainId);
  if (known === undefined) return platformChain(chainId, rpcUrl);
  if (rpcUrl === undefined) return known;
  return { ...known, rpcUrls: { default: { http: [rpcUrl] } } };
}

/** Whether the chain has an RPC URL the app (and WalletConnect) can read through. */
export function hasRpcUrl(chain: Chain): boolean {
  return (chain.rpcUrls.default.http[0] ?? '') !== '';
}
