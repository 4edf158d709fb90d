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
 * payout batch approval), send a transaction (approve, claim) and wait for its receipt. Every wallet (the
 * dev wallet, EIP-6963 browser wallets, WalletConnect, Coinbase Wallet, Base Account, a Safe) is reached
 * through wagmi underneath (wallet-engine.ts) and offers exactly this interface.
 *
 * Key format: the connector chosen last is stored in localStorage under `sge.wallet.connector` as its wagmi
 * connector id (see connector-storage.ts).
 */

/**
 * Which connector: wagmi's connector id. `dev` (Mock mode's dev wallet), `injected` (the browser's
 * `window.ethereum`), an EIP-6963 wallet's reverse-DNS id (`io.metamask`, `io.rabby`, ...),
 * `walletConnect`, `coinbaseWalletSDK`, `baseAccount` or `safe`.
 */
export type TConnectorId = string;

export interface TTransactionRequest {
  to: Address;
  /** Calldata; omitted for a plain transfer. */
  data?: Hex;
  /** Wei sent along; omitted means 0. */
  value?: bigint;
}

/** EIP-712 typed data as viem signs it (domain, types, primaryType, message). */
export type TTypedData = TypedDataDefinition;

/** A connected wallet on the platform's chain, as pages use it. */
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
