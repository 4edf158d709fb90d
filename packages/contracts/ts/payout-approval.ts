import { type Address, encodeAbiParameters, type Hex, keccak256, type TypedDataDefinition } from 'viem';

/**
 * EIP-712 approval of a payout batch, as SGEPayout checks it on-chain (see SGEPayout.sol):
 * domain { name "SGEPayout", version "1", chainId, verifyingContract: the payout contract },
 * PayoutBatch(uint256 batchId,address token,bytes32 paymentsHash,uint256 total,uint256 deadline),
 * paymentsHash = keccak256(abi.encode(address[] recipients, uint256[] amounts)), total = sum of amounts.
 */
export const PAYOUT_BATCH_TYPES = {
  PayoutBatch: [
    { name: 'batchId', type: 'uint256' },
    { name: 'token', type: 'address' },
    { name: 'paymentsHash', type: 'bytes32' },
    { name: 'total', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export const PAYOUT_DOMAIN_NAME = 'SGEPayout';
export const PAYOUT_DOMAIN_VERSION = '1';

export type TPayoutBatchTypedData = TypedDataDefinition<typeof PAYOUT_BATCH_TYPES, 'PayoutBatch'>;

export type TPayoutBatchApprovalInput = {
  chainId: number;
  payoutContract: Address;
  batchId: bigint;
  token: Address;
  recipients: readonly Address[];
  amounts: readonly bigint[];
  /** Unix seconds; the contract refuses the approvals after this second. */
  deadline: bigint;
};

/**
 * keccak256(abi.encode(recipients, amounts)): binds every entry and its order.
 *
 * @example
 * paymentsHash(['0x…a', '0x…b'], [1_000_000n, 2_000_000n]); // '0x…'
 */
export function paymentsHash(recipients: readonly Address[], amounts: readonly bigint[]): Hex {
  if (recipients.length !== amounts.length) {
    throw new Error(`paymentsHash: ${recipients.length} recipients but ${amounts.length} amounts`);
  }
  return keccak256(
    encodeAbiParameters([{ type: 'address[]' }, { type: 'uint256[]' }], [recipients, amounts]),
  );
}

/**
 * The typed data an approver signs (viem `signTypedData`) so that SGEPayout.payBatch accepts the batch;
 * its hash (viem `hashTypedData`) equals the contract's `payBatchDigest`.
 *
 * @example
 * const typedData = payoutBatchTypedData({ chainId: 31337, payoutContract, batchId: 7n, token: usdc,
 *   recipients, amounts, deadline: 1_900_000_000n });
 * const signature = await walletClient.signTypedData({ account, ...typedData });
 */
export function payoutBatchTypedData(input: TPayoutBatchApprovalInput): TPayoutBatchTypedData {
  const total = input.amounts.reduce((sum, amount) => sum + amount, 0n);
  return {
    domain: {
      name: PAYOUT_DOMAIN_NAME,
      version: PAYOUT_DOMAIN_VERSION,
      chainId: input.chainId,
      verifyingContract: input.payoutContract,
    },
    types: PAYOUT_BATCH_TYPES,
    primaryType: 'PayoutBatch',
    message: {
      batchId: input.batchId,
      token: input.token,
      paymentsHash: paymentsHash(input.recipients, input.amounts),
      total,
      deadline: input.deadline,
    },
  };
}
