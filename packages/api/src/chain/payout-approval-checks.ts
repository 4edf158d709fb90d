import { sgePayoutAbi } from '@sge/contracts';
import type { PublicClient } from 'viem';
import type { TPayoutApprovalChecks } from './payout-ports';

/**
 * Signature checks of a payout approval against the chain: viem's verifyTypedData recovers an EOA's
 * signature and asks a contract wallet (ERC-1271, or ERC-6492 for one not deployed yet); the approver set is
 * the payout contract's own (SGEPayout.isApprover), so the API accepts exactly what the contract will.
 */
export function chainPayoutApprovalChecks(publicClient: PublicClient): TPayoutApprovalChecks {
  return {
    verifySignature: async ({ signer, typedData, signature }) =>
      await publicClient.verifyTypedData({ address: signer, signature, ...typedData }).catch(() => false),
    isApprover: async ({ payoutContract, signer }) =>
      await publicClient.readContract({
        address: payoutContract,
        abi: sgePayoutAbi,
        functionName: 'isApprover',
        args: [signer],
      }),
  };
}
