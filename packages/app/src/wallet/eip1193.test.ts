import { describe, expect, it } from 'vitest';
import { firstAccount, parseChainId } from './eip1193';

describe('parseChainId', () => {
  it('reads hex (the EIP-1193 form), decimal strings and numbers', () => {
    expect(parseChainId('0x7a69')).toBe(31337);
    expect(parseChainId('0x1')).toBe(1);
    expect(parseChainId('8453')).toBe(8453);
    expect(parseChainId(11155111)).toBe(11155111);
  });

  it('refuses anything that is not a positive safe integer', () => {
    for (const value of ['0x', '0x0', 'mainnet', '', -1, 0, 1.5, null, undefined, '0x20000000000000', {}]) {
      expect(parseChainId(value), String(value)).toBeNull();
    }
  });
});

describe('firstAccount', () => {
  it("takes the wallet's selected account, which comes first", () => {
    expect(
      firstAccount([
        '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
        '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      ]),
    ).toBe('0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
  });

  it('gives null for no accounts or something that is not an address list', () => {
    expect(firstAccount([])).toBeNull();
    expect(firstAccount(null)).toBeNull();
    expect(firstAccount(['vitalik.eth'])).toBeNull();
    expect(firstAccount('0x70997970c51812dc3a010c7d01b50e0d17dc79c8')).toBeNull();
  });
});
