import { claimEnvironment } from '../../domain/claims/claim-context';
import { relayGaslessClaims, type TRelayGaslessDeps } from '../../domain/claims/relay-gasless-claims';
import { wakeGaslessClaimWorkers } from '../../queue/claim-queue';
import type { TRuntime } from '../../runtime';
import type { TIntentProcessor } from '../intent-processor';

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
    await wakeGaslessClaimWorkers(runtime.queue);
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
