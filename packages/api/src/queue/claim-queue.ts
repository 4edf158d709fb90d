import type { JobQueue } from './job-queue';

/**
 * The enqueue API of the `claim` queue. Gasless CLAIM intents (POST /api/claim/gasless/submit) are relayed
 * in batches, so its jobs are wake-ups (job id `claim-gasless-wake-<250 ms time bucket>`), like the mint
 * worker's. Routes and workers both import this module; neither imports the other.
 */
const WAKE_BUCKET_MS = 250;

export async function wakeGaslessClaimWorkers(queue: JobQueue): Promise<void> {
  await queue.enqueue('claim', `claim-gasless-wake-${Math.floor(Date.now() / WAKE_BUCKET_MS)}`, {});
}
