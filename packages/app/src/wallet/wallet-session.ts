import {
  type Address,
  type Chain,
  defineChain,
  type Hash,
  type Hex,
  type TransactionReceipt,
  type TypedDataDefinition,
} from 'viem';
import { chainName } from '../lib/format';

/**
 * The wallet interface every page builds on: who is connected, on which chain, and the things a page asks of
 * a wallet: sign a message (Sign-In with Ethereum, affiliate terms), sign EIP-712 typed data (an admin's
 * payout batch approval), send a transaction (approve, claim) and wait for its receipt.
 *
 * Key format: the connector chosen last is stored in localStorage under `sge.wallet.connector` as `dev` or
 * `injected` (see connector-storage.ts).
 */

/** Which kind of wallet: Mock mode's dev wallet, or the browser's injected wallet (EIP-1193). */
export type TConnectorId = 'dev' | 'injected';

export interface TTransactionRequest {
  to: Address;
  /** Calldata; omitted for a plain transfer. */
  data?: Hex;
  /** Wei sent along; omitted means 0. */
  value?: bigint;
}

/** A connected wallet on the platform's chain, as pages use it. */
/** EIP-712 typed data as viem signs it (domain, types, primaryType, message). */
export type TTypedData = TypedDataDefinition;

export interface TWallet {
  connector: TConnectorId;
  /** EIP-55 checksummed. */
  address: Address;
  chainId: number;
  /** EIP-191 personal_sign of `message`; resolves to the signature. */
  signMessage(message: string): Promise<Hex>;
  /** EIP-712 signature of `typedData` (e.g. a registration's proof of wallet); resolves to the signature. */
  signTypedData(typedData: TTypedData): Promise<Hex>;
  /** Sends a transaction from `address`; resolves to its hash once the wallet has broadcast it. */
  sendTransaction(request: TTransactionRequest): Promise<Hash>;
  /** Resolves once the transaction is mined (success or revert: check `status`); rejects after a timeout. */
  waitForReceipt(hash: Hash): Promise<TransactionReceipt>;
}

/** A change reported by the wallet after connecting. */
export type TSessionEvent =
  | { type: 'account-changed'; address: Address }
  | { type: 'chain-changed'; chainId: number }
  /** The wallet dropped the connection or no longer gives this site an account. */
  | { type: 'disconnected' };

/**
 * A live connection made by a connector. `address` and `chainId` are what the wallet said at connect time;
 * later changes arrive through `subscribe`. The methods always act on the wallet's current account.
 */
export interface TWalletSession {
  connector: TConnectorId;
  address: Address;
  chainId: number;
  signMessage(message: string): Promise<Hex>;
  signTypedData(typedData: TTypedData): Promise<Hex>;
  /** Sends on `chain` only: viem refuses (ChainMismatchError) when the wallet is on another chain. */
  sendTransaction(request: TTransactionRequest, chain: Chain): Promise<Hash>;
  waitForReceipt(hash: Hash): Promise<TransactionReceipt>;
  /** Asks the wallet to switch to `chainId`; null when the wallet cannot switch (the dev wallet). */
  switchChain: ((chainId: number) => Promise<void>) | null;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (event: TSessionEvent) => void): () => void;
  /** Stops listening to the wallet. Idempotent. */
  close(): void;
}

/**
 * A viem chain for `chainId`. Only the id matters for the checks viem makes when sending; `rpcUrl` is given
 * when the app itself talks to the chain (the dev wallet).
 *
 * @example platformChain(31337, '/api/dev/rpc').name // 'Local development chain'
 */
export function platformChain(chainId: number, rpcUrl?: string): Chain {
  return defineChain({
    id: chainId,
    name: chainName(chainId) ?? `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: rpcUrl === undefined ? [] : [rpcUrl] } },
  });
}
