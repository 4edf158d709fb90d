import { UserRejectedRequestError } from 'viem';
import { describe, expect, it } from 'vitest';
import { toWalletError, WalletError } from './wallet-error';

describe('toWalletError', () => {
  it('recognises the EIP-1193 codes the UI acts on', () => {
    expect(toWalletError({ code: 4001, message: 'User rejected the request.' }).code).toBe('USER_REJECTED');
    expect(toWalletError({ code: -32002, message: 'Already processing' }).code).toBe('REQUEST_PENDING');
    expect(toWalletError({ code: 4100, message: 'Unauthorized' }).code).toBe('NO_ACCOUNT');
    expect(toWalletError({ code: 4902, message: 'Unrecognized chain ID' }).code).toBe('CHAIN_NOT_ADDED');
  });

  it("finds the wallet's code inside viem's error chain", () => {
    const wrapped = new Error('request failed', {
      cause: new UserRejectedRequestError(
        new Error('MetaMask Tx Signature: User denied transaction signature.'),
      ),
    });
    expect(toWalletError(wrapped).code).toBe('USER_REJECTED');
  });

  it("turns viem's ChainMismatchError into WRONG_NETWORK, also when wrapped", () => {
    const mismatch = Object.assign(new Error('The current chain of the wallet (id: 1) does not match'), {
      name: 'ChainMismatchError',
      shortMessage: 'The current chain of the wallet (id: 1) does not match the target chain (id: 31337).',
    });
    const wrapped = Object.assign(new Error('Transaction failed', { cause: mismatch }), {
      name: 'TransactionExecutionError',
    });
    expect(toWalletError(wrapped)).toMatchObject({
      code: 'WRONG_NETWORK',
      message: 'The current chain of the wallet (id: 1) does not match the target chain (id: 31337).',
    });
  });

  it("keeps other errors as FAILED with viem's one-line message, and WalletErrors unchanged", () => {
    expect(toWalletError(new Error('first line\nsecond line'))).toMatchObject({
      code: 'FAILED',
      message: 'first line',
    });
    expect(toWalletError('text')).toMatchObject({ code: 'FAILED', message: 'text' });
    const original = new WalletError('NO_INJECTED_WALLET', 'none');
    expect(toWalletError(original)).toBe(original);
  });

  it('stops following a cyclic cause chain', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    a.cause = { message: 'b', cause: a };
    expect(toWalletError(a).code).toBe('FAILED');
  });
});
