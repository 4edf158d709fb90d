import { sql } from 'kysely';
import {
  ABANDONED_MINT_BATCH,
  claimMintBatch,
  MINT_BATCH_SIZE_MAX,
  processMintBatch,
} from '../../domain/registration/mint-registrations';
import type { TRuntime } from '../../runtime';
import type { TIntentProcessor } from '../intent-processor';

/**
 * REGISTER intents are minted in batches, so their queue jobs are wake-ups, not one job per intent:
 * job ids `register-wake-<250 ms time bucket>` (the API after writing registrations, the sweeper) and
 * `register-wake-after-<batchId>` (a worker that took a full batch wakes another to take the next in
 * parallel). A wake that finds nothing to claim just ends.
 */
const WAKE_BUCKET_MS = 250;

const wakeBucket = () => Math.floor(Date.now() / WAKE_BUCKET_MS);
const enqueueWake = (runtime: TRuntime, bucket: number) =>
  runtime.queue.enqueue('register', `register-wake-${bucket}`, {});

export async function wakeRegisterWorkers(runtime: TRuntime): Promise<void> {
  await enqueueWake(runtime, wakeBucket());
}

/**
 * For the API's group commits: a wake-up at most once per time bucket per process. The queue would drop the
 * repeats anyway (same job id), but sending them costs a Redis call per group commit on the hot path. A wake
 * that failed is tried again by the next commit; the sweeper covers the rest.
 */
export function throttledRegisterWake(runtime: TRuntime): () => Promise<void> {
  let lastBucket = -1;
  return async () => {
    const bucket = wakeBucket();
    if (bucket === lastBucket) return;
    lastBucket = bucket;
    try {
      await enqueueWake(runtime, bucket);
    } catch (error) {
      if (lastBucket === bucket) lastBucket = -1;
      throw error;
    }
  };
}

export const registerProcessor: TIntentProcessor = {
  type: 'REGISTER',
  queue: 'register',
  async dispatch(runtime) {
    await wakeRegisterWorkers(runtime);
  },
  async handle(runtime, _data, { workerId }) {
    for (;;) {
      const batch = await claimMintBatch(runtime, workerId);
      if (!batch) return;
      // A full batch suggests more work waiting: let another worker slot take it while this one mints.
      if (batch.size >= MINT_BATCH_SIZE_MAX) {
        await runtime.queue.enqueue('register', `register-wake-after-${batch.id}`, {}).catch(() => {});
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
    if (count > 0) await wakeRegisterWorkers(runtime);
    return count;
  },
};
