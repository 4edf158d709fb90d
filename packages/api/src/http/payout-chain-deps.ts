import { chainPayoutApprovalChecks } from '../chain/payout-approval-checks';
import { relayerPayoutVoider } from '../chain/payout-sender';
import type { TApprovePayoutBatchDeps } from '../domain/payouts/approve-payout-batch';
import type { TCreatePayoutBatchDeps } from '../domain/payouts/create-payout-batch';
import type { TReleasePayoutBatchDeps } from '../domain/payouts/release-payout-batch';
import type { TRuntime } from '../runtime';

/** How long cancelling a signed batch waits for its void transaction to be final. */
const PAYOUT_VOID_WAIT_MS = 120_000;

/** The chain facts a new payout batch fixes: chain, the platform's payout contract, USDC. */
export function payoutBatchCreationDeps(runtime: TRuntime): TCreatePayoutBatchDeps {
  if (!runtime.contracts.usdc) throw new Error('no USDC token configured (USDC_ADDRESS)');
  return {
    chainId: runtime.chain.chainId,
    payoutContract: runtime.contracts.payout,
    token: runtime.contracts.usdc,
  };
}

/** Signature checks of an approval on the runtime's chain (chain/payout-approval-checks.ts). */
export function payoutApprovalDeps(runtime: TRuntime): TApprovePayoutBatchDeps {
  return chainPayoutApprovalChecks(runtime.chain.publicClient);
}

export function payoutVoidDeps(runtime: TRuntime): TReleasePayoutBatchDeps {
  return { voidPayoutBatch: relayerPayoutVoider(runtime, PAYOUT_VOID_WAIT_MS) };
}
