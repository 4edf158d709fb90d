import { ANVIL_PRIVATE_KEYS } from '@sge/contracts';
import { getAddress, hashTypedData, type TypedDataDefinition, verifyTypedData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { approvalTypedData, type TApprovalTypedDataJson } from './payout-approval';

const PAYOUT_CONTRACT = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3');
const TOKEN = getAddress('0xe7f1725e7734ce288f8367e1bb143e90bb3f0512');

/** SGEPayout's approval typed data, as the payout contract hashes it (bigints). */
const TYPED_DATA = {
  domain: { name: 'SGEPayout', version: '1', chainId: 31337, verifyingContract: PAYOUT_CONTRACT },
  types: {
    PayoutBatch: [
      { name: 'batchId', type: 'uint256' },
      { name: 'token', type: 'address' },
      { name: 'paymentsHash', type: 'bytes32' },
      { name: 'total', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  primaryType: 'PayoutBatch',
  message: {
    batchId: 2n ** 127n + 5n,
    token: TOKEN,
    paymentsHash: `0x${'ab'.repeat(32)}`,
    total: 5_000_000n,
    deadline: 1_800_000_000n,
  },
} as const satisfies TypedDataDefinition;

/** The API's JSON form of typed data: bigints as decimal strings. */
function asJson(typedData: unknown): TApprovalTypedDataJson {
  return JSON.parse(
    JSON.stringify(typedData, (_key, value) => (typeof value === 'bigint' ? `${value}` : value)),
  );
}

describe('approvalTypedData', () => {
  it("reads the API's JSON back into the typed data the payout contract hashes, so a signature of it verifies", async () => {
    const typedData = approvalTypedData(asJson(TYPED_DATA), {
      chainId: 31337,
      payoutContract: PAYOUT_CONTRACT,
    });
    expect(hashTypedData(typedData)).toBe(hashTypedData(TYPED_DATA));
    const admin = privateKeyToAccount(ANVIL_PRIVATE_KEYS[1]);
    const signature = await admin.signTypedData(typedData);
    expect(await verifyTypedData({ ...TYPED_DATA, address: admin.address, signature })).toBe(true);
  });

  it('accepts typed data that lists the EIP712Domain type, as eth_signTypedData_v4 payloads do', () => {
    const json = asJson(TYPED_DATA);
    json.types.EIP712Domain = [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ];
    const typedData = approvalTypedData(json, { chainId: 31337, payoutContract: PAYOUT_CONTRACT });
    expect(hashTypedData(typedData)).toBe(hashTypedData(TYPED_DATA));
  });

  it('refuses typed data for another chain or another contract than the batch names', () => {
    expect(() =>
      approvalTypedData(asJson(TYPED_DATA), { chainId: 1, payoutContract: PAYOUT_CONTRACT }),
    ).toThrow(/chain 31337, the batch for chain 1/);
    expect(() => approvalTypedData(asJson(TYPED_DATA), { chainId: 31337, payoutContract: TOKEN })).toThrow(
      /payout contract/,
    );
  });

  it('refuses an integer field that is not an integer, naming it', () => {
    const json = asJson(TYPED_DATA);
    json.message.total = '5.5';
    expect(() => approvalTypedData(json, { chainId: 31337, payoutContract: PAYOUT_CONTRACT })).toThrow(
      /PayoutBatch\.total/,
    );
  });
});
