import { claimMintBatch } from '../../domain/registration/claim-mint-batch';
import { countAbandonedMintBatches } from '../../domain/registration/count-abandoned-mint-batches';
import { MINT_BATCH_SIZE_MAX } from '../../domain/registration/mint-batch';
import { processMintBatch } from '../../domain/registration/process-mint-batch';
import { wakeRegisterWorkerAfter, wakeRegisterWorkers } from '../../queue/register-queue';
import type { TIntentProcessor } from '../intent-processor';

/** REGISTER intents: wake-ups of the mint workers (queue/register-queue.ts), each claiming batches. */
export const registerProcessor: TIntentProcessor = {
  type: 'REGISTER',
  queue: 'register',
  async dispatch(runtime) {
    await wakeRegisterWorkers(runtime.queue);
  },
  async handle(runtime, _data, { workerId }) {
    for (;;) {
      const batch = await claimMintBatch(runtime.mint, workerId);
      if (!batch) return;
      // A full batch suggests more work waiting: let another worker slot take it while this one mints.
      if (batch.size >= MINT_BATCH_SIZE_MAX) {
        await wakeRegisterWorkerAfter(runtime.queue, batch.id).catch(() => {});
      }
      const outcome = await processMintBatch(runtime.mint, batch, workerId);
      runtime.logger.info(outcome, 'mint batch');
      if (outcome.status === 'RETRY_LATER') return;
    }
  },
  async recover(runtime) {
    const count = await countAbandonedMintBatches(runtime.database.db);
    if (count > 0) await wakeRegisterWorkers(runtime.queue);
    return count;
  },
};
