import { sql } from 'kysely';
import {
  ABANDONED_MINT_BATCH,
  claimMintBatch,
  MINT_BATCH_SIZE_MAX,
  processMintBatch,
} from '../../domain/registration/mint-registrations';
import { wakeRegisterWorkerAfter, wakeRegisterWorkers } from '../../queue/register-queue';
import type { TRuntime } from '../../runtime';
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
      const batch = await claimMintBatch(runtime, workerId);
      if (!batch) return;
      // A full batch suggests more work waiting: let another worker slot take it while this one mints.
      if (batch.size >= MINT_BATCH_SIZE_MAX) {
        await wakeRegisterWorkerAfter(runtime.queue, batch.id).catch(() => {});
      }
      const outcome = await processMintBatch(runtime, batch, workerId);
      runtime.logger.info(outcome, 'mint batch');
      if (outcome.status === 'RETRY_LATER') return;
    }
  },
  async recover(runtime) {
    const abandoned = await sql<{ n: number }>`
      SELECT count(*)::int8 AS n FROM mint_batches b WHERE ${ABANDONED_MINT_BATCH}`.execute(
      runtime.database.db,
    );
    const count = abandoned.rows[0]?.n ?? 0;
    if (count > 0) await wakeRegisterWorkers(runtime.queue);
    return count;
  },
};
