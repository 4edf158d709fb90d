import { ANVIL_PRIVATE_KEYS } from '@sge/contracts';
import type { TPayoutBatchDetail } from '@sge/shared';
import type { Hex, TypedDataDefinition } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * The payout approvers of test deployments: anvil's accounts #7 and #8 (the wallets of Mock mode's demo
 * admins `dev` and `dev2`) and #3 (a third admin for tests that need one); startPayoutChain makes them
 * approvers.
 */
export const APPROVER_ACCOUNTS = [
  privateKeyToAccount(ANVIL_PRIVATE_KEYS[7]),
  privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]),
  privateKeyToAccount(ANVIL_PRIVATE_KEYS[3]),
] as const;
/** A wallet that is not an approver on any test deployment (anvil's #6). */
export const NON_APPROVER_ACCOUNT = privateKeyToAccount(ANVIL_PRIVATE_KEYS[6]);

type TSigner = (typeof APPROVER_ACCOUNTS)[number];

/**
 * Signs a batch's approval typed data as the API returns it (bigints as decimal strings), as a wallet would:
 * eth_signTypedData_v4 takes the same JSON.
 */
export async function signBatchApproval(
  approval: NonNullable<TPayoutBatchDetail['approval']> | { typedData: TypedDataDefinition },
  signer: TSigner,
): Promise<Hex> {
  return await signer.signTypedData(approval.typedData as unknown as TypedDataDefinition);
}
