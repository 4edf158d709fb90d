import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { WalletError } from '../wallet/wallet-error';
import { describeClaimError, TransactionRevertedError } from './claim-errors';

const apiError = (code: string, status: number, message: string) =>
  new ApiError({
    failure: { kind: 'api', status, code, details: undefined },
    method: 'POST',
    path: '/api/claim/prepare',
    message,
  });

describe('describeClaimError', () => {
  it('names a rejected signature, a wrong network and missing gas money from the wallet', () => {
    expect(describeClaimError(new WalletError('USER_REJECTED', 'no')).kind).toBe('rejected');
    expect(describeClaimError(new WalletError('USER_REJECTED', 'no')).title).toBe('Signature rejected');
    expect(describeClaimError(new WalletError('WRONG_NETWORK', 'chain 1, expected 31337')).kind).toBe(
      'wrong-network',
    );
    expect(
      describeClaimError(new WalletError('FAILED', 'insufficient funds for gas * price + value')).kind,
    ).toBe('insufficient-balance');
  });

  it('names the API refusals a user can act on, with the API message as the detail', () => {
    const short = describeClaimError(
      apiError('INSUFFICIENT_BALANCE', 409, 'holds 5 USDT units, less than the fee'),
    );
    expect(short).toEqual({
      kind: 'insufficient-balance',
      title: 'Insufficient balance',
      detail: 'holds 5 USDT units, less than the fee',
    });
    expect(describeClaimError(apiError('ALREADY_CLAIMED', 409, 'x')).title).toBe('Already claimed');
    expect(describeClaimError(apiError('PAYMENT_REQUIRED', 402, 'x')).kind).toBe('payment-required');
    expect(describeClaimError(apiError('CLAIM_TX_INVALID', 422, 'x')).kind).toBe('not-recorded');
    expect(describeClaimError(apiError('INTERNAL', 500, 'x')).kind).toBe('failed');
  });

  it('names a reverted transaction with its hash', () => {
    const problem = describeClaimError(new TransactionRevertedError('approve', '0xabc'));
    expect(problem.kind).toBe('reverted');
    expect(problem.detail).toContain('0xabc');
  });
});
