import { type Address, decodeAbiParameters, encodeAbiParameters, hashTypedData, keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { PAYOUT_BATCH_TYPES, paymentsHash, payoutBatchTypedData } from './payout-approval';

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;

describe('payout batch approval typed data', () => {
  it('hashes recipients and amounts as abi.encode(address[], uint256[])', () => {
    const recipients = [address(1), address(2)];
    const amounts = [10n, 20n];
    const encoded = encodeAbiParameters(
      [{ type: 'address[]' }, { type: 'uint256[]' }],
      [recipients, amounts],
    );
    expect(paymentsHash(recipients, amounts)).toBe(keccak256(encoded));
    expect(decodeAbiParameters([{ type: 'address[]' }, { type: 'uint256[]' }], encoded)[1]).toEqual(amounts);
    // Order matters: swapping two entries is another batch.
    expect(paymentsHash([address(2), address(1)], [20n, 10n])).not.toBe(paymentsHash(recipients, amounts));
  });

  it('refuses recipients and amounts of different lengths', () => {
    expect(() => paymentsHash([address(1)], [1n, 2n])).toThrow(/1 recipients but 2 amounts/);
  });

  it('builds the SGEPayout domain and a message whose total is the sum of the amounts', () => {
    const typedData = payoutBatchTypedData({
      chainId: 1,
      payoutContract: address(9),
      batchId: 7n,
      token: address(8),
      recipients: [address(1), address(2)],
      amounts: [1_500_000n, 2_500_000n],
      deadline: 1_900_000_000n,
    });
    expect(typedData.domain).toEqual({
      name: 'SGEPayout',
      version: '1',
      chainId: 1,
      verifyingContract: address(9),
    });
    expect(typedData.types).toBe(PAYOUT_BATCH_TYPES);
    expect(typedData.message.total).toBe(4_000_000n);
    // Any change of the chain gives another digest.
    expect(hashTypedData(typedData)).not.toBe(
      hashTypedData({ ...typedData, domain: { ...typedData.domain, chainId: 31337 } }),
    );
  });
});
