/**
 * The parts of EIP-1193 (the browser wallet provider API) this app uses, and helpers to read what a wallet
 * sends. Wallets differ in small ways (chain ids as hex or decimal strings, extra events), so every value
 * read from a provider goes through a parser here instead of being trusted.
 */

export interface TEip1193RequestArguments {
  method: string;
  params?: readonly unknown[] | object;
}

/** An EIP-1193 provider, as injected at `window.ethereum` by MetaMask, Coinbase Wallet, Rabby, ... */
export interface TEip1193Provider {
  request(args: TEip1193RequestArguments): Promise<unknown>;
  on?(event: string, listener: (...args: never[]) => void): void;
  removeListener?(event: string, listener: (...args: never[]) => void): void;
}

/** Error codes of EIP-1193 and the wallet JSON-RPC conventions that the app acts on. */
export const EIP1193_ERROR_CODES = {
  /** The user rejected the request. */
  userRejected: 4001,
  /** The site is not authorised for this account or method. */
  unauthorized: 4100,
  /** The wallet does not know the chain asked for in wallet_switchEthereumChain (MetaMask convention). */
  unrecognizedChain: 4902,
  /** A request of this kind is already waiting for the user in the wallet (MetaMask convention). */
  requestPending: -32002,
} as const;

/**
 * The injected provider, or null when the browser has no wallet extension.
 *
 * @example const provider = getInjectedProvider(); if (provider) await provider.request({ method: 'eth_chainId' });
 */
export function getInjectedProvider(): TEip1193Provider | null {
  if (typeof window === 'undefined') return null;
  const candidate = (window as { ethereum?: unknown }).ethereum;
  if (typeof candidate !== 'object' || candidate === null) return null;
  if (typeof (candidate as { request?: unknown }).request !== 'function') return null;
  return candidate as TEip1193Provider;
}

/**
 * A chain id as a wallet reports it (`eth_chainId` and `chainChanged` give hex strings; some wallets give
 * decimal strings or numbers) as a number, or null when it is not a positive safe integer.
 *
 * @example parseChainId('0x7a69') // 31337
 */
export function parseChainId(value: unknown): number | null {
  let chainId: number;
  if (typeof value === 'number') chainId = value;
  else if (typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value)) chainId = Number.parseInt(value, 16);
  else if (typeof value === 'string' && /^\d+$/.test(value)) chainId = Number(value);
  else return null;
  return Number.isSafeInteger(chainId) && chainId > 0 ? chainId : null;
}

/**
 * The first account of an `eth_accounts` / `eth_requestAccounts` answer or an `accountsChanged` event, or
 * null when the list is empty or not a list of addresses. The wallet's selected account comes first.
 */
export function firstAccount(value: unknown): `0x${string}` | null {
  if (!Array.isArray(value)) return null;
  const [first] = value;
  return typeof first === 'string' && /^0x[0-9a-fA-F]{40}$/.test(first) ? (first as `0x${string}`) : null;
}
