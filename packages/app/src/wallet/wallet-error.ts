import { EIP1193_ERROR_CODES } from './eip1193';

/**
 * Why a wallet action failed, as the UI needs to know it. Raw errors from wallets (EIP-1193 codes) and from
 * viem (its BaseError chain) are translated once, by toWalletError, at the edge of the wallet layer.
 */
export type TWalletErrorCode =
  /** The user said no in their wallet. Not a fault; the UI just lets them try again. */
  | 'USER_REJECTED'
  /** The wallet already shows a request of this kind; the user has to answer it there first. */
  | 'REQUEST_PENDING'
  /** The wallet gave no account (locked, or the site is not authorised). */
  | 'NO_ACCOUNT'
  /** The wallet is not there: no browser wallet installed, or a Safe connector outside the Safe app. */
  | 'NO_INJECTED_WALLET'
  /** The wallet does not know the chain the app asked it to switch to. */
  | 'CHAIN_NOT_ADDED'
  /** The wallet is on another chain than the platform's; a transaction was refused before it was sent. */
  | 'WRONG_NETWORK'
  /** Mock mode's dev wallet could not be loaded from the API. */
  | 'DEV_WALLET_UNAVAILABLE'
  /** Anything else; the message says what. */
  | 'FAILED';

export class WalletError extends Error {
  override readonly name = 'WalletError';
  readonly code: TWalletErrorCode;

  constructor(code: TWalletErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Most causes followed when looking for a wallet's error code: a guard against a cyclic `cause` chain. */
const CAUSE_DEPTH_MAX = 10;

/** The error and its `cause` chain (viem wraps the wallet's error, e.g. in a TransactionExecutionError). */
function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  while (chain.length < CAUSE_DEPTH_MAX && typeof current === 'object' && current !== null) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The first numeric `code` along the chain: the wallet's EIP-1193 code. */
function findErrorCode(chain: readonly object[]): number | null {
  for (const link of chain) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return null;
}

/**
 * Whether `code` appears anywhere along the error's cause chain. wagmi wraps some wallet errors in another
 * coded one (a failed wallet_addEthereumChain after a 4902 becomes a 4001), so the first code is not enough.
 *
 * @example hasErrorCode({ code: 4001, cause: { code: 4902 } }, 4902) // true
 */
export function hasErrorCode(error: unknown, code: number): boolean {
  return causeChain(error).some((link) => (link as { code?: unknown }).code === code);
}

/** The first link of the chain named `name`. */
function findNamed(chain: readonly object[], name: string): object | null {
  return chain.find((link) => (link as { name?: unknown }).name === name) ?? null;
}

/** viem's errors carry a one-line `shortMessage`; prefer it over the multi-line `message`. */
function shortMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === 'string' && short !== '') return short;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message.split('\n')[0] ?? message;
  }
  return String(error);
}

/**
 * Any error thrown by a wallet or by viem, as a WalletError. A WalletError passes through unchanged.
 *
 * @example toWalletError({ code: 4001, message: 'User rejected the request.' }).code // 'USER_REJECTED'
 */
export function toWalletError(error: unknown): WalletError {
  if (error instanceof WalletError) return error;
  const chain = causeChain(error);
  const code = findErrorCode(chain);
  if (code === EIP1193_ERROR_CODES.userRejected) {
    return new WalletError('USER_REJECTED', 'The request was rejected in the wallet.', { cause: error });
  }
  if (code === EIP1193_ERROR_CODES.requestPending) {
    return new WalletError(
      'REQUEST_PENDING',
      'Your wallet is already showing a request from this site. Open the wallet and answer it first.',
      { cause: error },
    );
  }
  if (code === EIP1193_ERROR_CODES.unauthorized) {
    return new WalletError('NO_ACCOUNT', 'The wallet has not authorised this site for an account.', {
      cause: error,
    });
  }
  if (code === EIP1193_ERROR_CODES.unrecognizedChain) {
    return new WalletError('CHAIN_NOT_ADDED', 'The wallet does not know this network.', { cause: error });
  }
  // viem's check before sending, and wagmi's check of the connector's chain against the connection's.
  const mismatch = findNamed(chain, 'ChainMismatchError') ?? findNamed(chain, 'ConnectorChainMismatchError');
  if (mismatch !== null) {
    return new WalletError('WRONG_NETWORK', shortMessage(mismatch), { cause: error });
  }
  if (findNamed(chain, 'ProviderNotFoundError') !== null) {
    return new WalletError('NO_INJECTED_WALLET', 'This wallet was not found in this browser.', {
      cause: error,
    });
  }
  if (
    findNamed(chain, 'ConnectorNotConnectedError') !== null ||
    findNamed(chain, 'ConnectorAccountNotFoundError') !== null
  ) {
    return new WalletError('NO_ACCOUNT', 'The wallet is not connected to this site any more.', {
      cause: error,
    });
  }
  return new WalletError('FAILED', shortMessage(error), { cause: error });
}

/**
 * An error of wagmi's switchChain as a WalletError. A wallet that does not know the chain answers 4902;
 * wagmi then offers the chain (wallet_addEthereumChain) and, when that fails too, reports a 4001 whose cause
 * is the failure of the addition, not a rejection by the user: both mean CHAIN_NOT_ADDED.
 *
 * @example toSwitchChainError({ code: 4001, cause: { code: -32601 } }).code // 'CHAIN_NOT_ADDED'
 */
export function toSwitchChainError(error: unknown): WalletError {
  const chain = causeChain(error);
  const [first, ...causes] = chain;
  const addFailed =
    (first as { code?: unknown } | undefined)?.code === EIP1193_ERROR_CODES.userRejected &&
    causes.length > 0 &&
    findErrorCode(causes) !== EIP1193_ERROR_CODES.userRejected;
  if (hasErrorCode(error, EIP1193_ERROR_CODES.unrecognizedChain) || addFailed) {
    return new WalletError('CHAIN_NOT_ADDED', 'The wallet does not know this network.', { cause: error });
  }
  return toWalletError(error);
}
