import { encodeErrorResult, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeRevertData } from './decode-revert';

const ERROR_STRING = parseAbi(['error Error(string)']);
const revertString = (message: string) =>
  encodeErrorResult({ abi: ERROR_STRING, errorName: 'Error', args: [message] });

describe('describeRevertData', () => {
  it("names FiatTokenV2_2's revert strings", () => {
    expect(describeRevertData(revertString('Blacklistable: account is blacklisted'))).toMatchObject({
      code: 'WALLET_BLACKLISTED',
      name: 'Error',
      message: 'Blacklistable: account is blacklisted',
    });
    expect(describeRevertData(revertString('FiatTokenV2: authorization is used or canceled')).code).toBe(
      'AUTHORIZATION_USED',
    );
    expect(describeRevertData(revertString('ERC20: transfer amount exceeds balance')).code).toBe(
      'INSUFFICIENT_BALANCE',
    );
  });

  it("names Solady's TransferFromFailed, the selector the real USDC blacklist surfaced as", () => {
    expect(describeRevertData('0x7939f424')).toMatchObject({
      code: 'TOKEN_REFUSED',
      name: 'TransferFromFailed',
    });
  });

  it("names the platform's own errors with their values", () => {
    const data = encodeErrorResult({
      abi: parseAbi(['error SGEClaimAlreadyClaimed(address account)']),
      errorName: 'SGEClaimAlreadyClaimed',
      args: ['0x00000000000000000000000000000000000000aa'],
    });
    expect(describeRevertData(data)).toMatchObject({
      code: 'ALREADY_CLAIMED',
      name: 'SGEClaimAlreadyClaimed',
    });
  });

  it("reports TetherToken's bare revert and an unknown selector as such", () => {
    expect(describeRevertData('0x').code).toBe('REVERTED_WITHOUT_REASON');
    expect(describeRevertData('0xdeadbeef')).toMatchObject({ code: 'UNKNOWN_ERROR', name: null });
  });
});
