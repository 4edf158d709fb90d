import { QUEUE_NAMES } from '../../queue';
import type { TRuntime } from '../../runtime';
import type { TReconciliationContext } from './check-context';

/** The reconciliation context of a process: its database, chain reads, queue and settings. */
export function reconciliationContextOf(runtime: TRuntime): TReconciliationContext {
  return {
    db: runtime.database.db,
    readDb: runtime.readDatabase.db,
    publicClient: runtime.chain.publicClient,
    contracts: {
      sgeId: runtime.contracts.sgeId,
      sgeClaim: runtime.contracts.sgeClaim,
      payout: runtime.contracts.payout,
      usdc: runtime.contracts.usdc,
      usdt: runtime.contracts.usdt,
    },
    treasuryAddress: runtime.config.chain.treasuryAddress,
    queue: runtime.queue,
    queueNames: QUEUE_NAMES,
    intentTimeoutMinutes: runtime.config.workers.intentTimeoutMinutes,
    manualPaymentApprovalThresholdMicroUsd: runtime.config.admin.manualPaymentApprovalThresholdMicroUsd,
    recheckBlocks: runtime.config.workers.reconciliationRecheckBlocks,
    recheckMinutes: runtime.config.workers.reconciliationRecheckMinutes,
    now: () => new Date(),
  };
}
