import type { JobQueue } from './job-queue';

/**
 * The enqueue API of the `register` queue. REGISTER intents are minted in batches, so its jobs are
 * wake-ups, not one job per intent: job ids `register-wake-<250 ms time bucket>` (the API after writing
 * registrations, the sweeper) and `register-wake-after-<batchId>` (a worker that took a full batch wakes
 * another to take the next in parallel). A wake that finds nothing to claim just ends. Routes and workers
 * both import this module; neither imports the other.
 */
const WAKE_BUCKET_MS = 250;

const wakeBucket = () => Math.floor(Date.now() / WAKE_BUCKET_MS);
const enqueueWake = (queue: JobQueue, bucket: number) =>
  queue.enqueue('register', `register-wake-${bucket}`, {});

export async function wakeRegisterWorkers(queue: JobQueue): Promise<void> {
  await enqueueWake(queue, wakeBucket());
}

/** Wakes another mint worker once a worker took a full batch, so the next batch is minted in parallel. */
export async function wakeRegisterWorkerAfter(queue: JobQueue, batchId: string): Promise<void> {
  await queue.enqueue('register', `register-wake-after-${batchId}`, {});
}

/**
 * For the API's group commits: a wake-up at most once per time bucket per process. The queue would drop the
 * repeats anyway (same job id), but sending them costs a Redis call per group commit on the hot path. A wake
 * that failed is tried again by the next commit; the sweeper covers the rest.
 */
export function throttledRegisterWake(queue: JobQueue): () => Promise<void> {
  let lastBucket = -1;
  return async () => {
    const bucket = wakeBucket();
    if (bucket === lastBucket) return;
    lastBucket = bucket;
    try {
      await enqueueWake(queue, bucket);
    } catch (error) {
      if (lastBucket === bucket) lastBucket = -1;
      throw error;
    }
  };
}
