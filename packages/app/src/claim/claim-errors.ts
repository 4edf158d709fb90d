import { ApiError, apiErrorCode, describeApiError } from '../api/api-error';
import { WalletError } from '../wallet/wallet-error';

/** A claim problem in words: a title for the alert and what to do about it. */
export type TClaimProblem = { kind: TClaimProblemKind; title: string; detail: string };
export type TClaimProblemKind =
  | 'rejected'
  | 'wrong-network'
  | 'insufficient-balance'
  | 'already-claimed'
  | 'not-eligible'
  | 'payment-required'
  | 'reverted'
  | 'not-recorded'
  | 'blacklisted'
  | 'failed';

/** Thrown by the claim flow when a transaction was mined but reverted. */
export class TransactionRevertedError extends Error {
  override readonly name = 'TransactionRevertedError';
  constructor(
    readonly step: string,
    readonly txHash: string,
  ) {
    super(`The ${step} transaction ${txHash} reverted on the chain.`);
  }
}

/**
 * Any error of the claim flow (wallet, chain, API) as a problem the page shows.
 *
 * @example describeClaimError(new WalletError('USER_REJECTED', '…')).title // 'Signature rejected'
 */
export function describeClaimError(error: unknown): TClaimProblem {
  if (error instanceof WalletError) {
    if (error.code === 'USER_REJECTED') {
      return {
        kind: 'rejected',
        title: 'Signature rejected',
        detail: 'You rejected the transaction in your wallet. Nothing was sent; you can try again.',
      };
    }
    if (error.code === 'WRONG_NETWORK') {
      return {
        kind: 'wrong-network',
        title: 'Wrong network',
        detail: `Your wallet is not on the platform's chain, so nothing was sent. Switch the network and try again. (${error.message})`,
      };
    }
    if (/insufficient funds/i.test(error.message)) {
      return {
        kind: 'insufficient-balance',
        title: 'Not enough ETH for gas',
        detail: `The wallet cannot pay the gas of this transaction. ${error.message}`,
      };
    }
    return { kind: 'failed', title: 'The wallet could not send the transaction', detail: error.message };
  }
  if (error instanceof TransactionRevertedError) {
    return {
      kind: 'reverted',
      title: 'The transaction failed on the chain',
      detail: `${error.message} Check your balance and allowance, then try again.`,
    };
  }
  if (error instanceof ApiError) {
    const code = apiErrorCode(error);
    const message = error.message;
    switch (code) {
      case 'INSUFFICIENT_BALANCE':
        return { kind: 'insufficient-balance', title: 'Insufficient balance', detail: message };
      case 'ALREADY_CLAIMED':
        return { kind: 'already-claimed', title: 'Already claimed', detail: message };
      case 'CLAIM_NOT_ELIGIBLE':
        return { kind: 'not-eligible', title: 'This wallet cannot claim', detail: message };
      case 'PAYMENT_REQUIRED':
        return { kind: 'payment-required', title: 'A payment is required first', detail: message };
      case 'WALLET_BLACKLISTED':
        return { kind: 'blacklisted', title: 'This wallet is blacklisted by the token', detail: message };
      case 'CLAIM_WOULD_REVERT':
      case 'CLAIM_AUTHORIZATION_INVALID':
        return { kind: 'reverted', title: 'The claim would fail on the chain', detail: message };
      case 'CLAIM_TX_PENDING':
      case 'CLAIM_TX_NOT_FOUND':
      case 'CLAIM_TX_FAILED':
      case 'CLAIM_TX_INVALID':
        return { kind: 'not-recorded', title: 'The claim could not be recorded', detail: message };
    }
    const described = describeApiError(error);
    return { kind: 'failed', title: described.summary, detail: described.detail };
  }
  return {
    kind: 'failed',
    title: 'Unexpected error',
    detail: error instanceof Error ? error.message : String(error),
  };
}
