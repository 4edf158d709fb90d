import { claimEnvironment } from '../../domain/claims/claim-context';
import { relayGaslessClaims, type TRelayGaslessDeps } from '../../domain/claims/relay-gasless-claims';
import type { TRuntime } from '../../runtime';
import type { TIntentProcessor } from '../intent-processor';

/**
 * Gasless CLAIM intents (POST /api/claim/gasless/submit) are relayed in batches, so their queue jobs are
 * wake-ups (job id `claim-gasless-wake-<250 ms time bucket>`), like the mint worker's. A claim the wallet sent
 * itself is never PENDING (it is recorded in one transaction), so every PENDING CLAIM intent is a gasless one.
 */
const WAKE_BUCKET_MS = 250;

export async function wakeGaslessClaimWorkers(runtime: TRuntime): Promise<void> {
  await runtime.queue.enqueue('claim', `claim-gasless-wake-${Math.floor(Date.now() / WAKE_BUCKET_MS)}`, {});
}

function relayDeps(runtime: TRuntime): TRelayGaslessDeps {
  return {
    ...claimEnvironment(runtime),
    relayer: runtime.relayer,
    globalDailyGasBudgetWei: runtime.config.globalDailyGasBudgetWei,
    leaseMs: runtime.config.workers.intentTimeoutMinutes * 60_000,
  };
}

export const gaslessClaimProcessor: TIntentProcessor = {
  type: 'CLAIM',
  queue: 'claim',
  async dispatch(runtime) {
    await wakeGaslessClaimWorkers(runtime);
  },
  async handle(runtime, _data, { workerId }) {
    const deps = relayDeps(runtime);
    for (;;) {
      const outcome = await relayGaslessClaims(deps, workerId);
      if (outcome.status === 'IDLE') return;
      runtime.logger.info(outcome, 'gasless claims relayed');
      if (outcome.status === 'SETTLED') {
        runtime.metrics.claimsTotal.inc({ token: 'USDC' }, outcome.recorded);
        runtime.metrics.intentsTotal.inc({ type: 'CLAIM', status: 'CONFIRMED' }, outcome.recorded);
      }
      if (outcome.status === 'RETRY_LATER') return;
    }
  },
};
