import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { checksumAddress, initChecksumAddress } from './checksum-address';

describe('checksumAddress', () => {
  it('gives the same EIP-55 checksum as viem for random addresses, before and after initialization', async () => {
    const addresses = Array.from({ length: 2_000 }, (_, i) => {
      let hex = '';
      for (let j = 0; j < 40; j++) hex += ((i * 7919 + j * 104729 + ((i * j) % 13)) % 16).toString(16);
      return `0x${i % 2 === 0 ? hex : hex.toUpperCase()}`;
    });
    for (const address of addresses.slice(0, 50)) expect(checksumAddress(address)).toBe(getAddress(address));
    await initChecksumAddress();
    for (const address of addresses) expect(checksumAddress(address)).toBe(getAddress(address));
    expect(checksumAddress('0xab5801a7d398351b8be11c439e05c5b3259aec9b')).toBe(
      '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B',
    );
  });
});
