import type { JobQueue } from './job-queue';

/**
 * The enqueue API of the `payout` queue: one job per PAYOUT intent, job id `payout-<intentId>`, data
 * `{ intentId }`. Routes (POST .../execute) and the sweeper both enqueue through this.
 */
export async function enqueuePayouts(queue: JobQueue, intentIds: readonly string[]): Promise<void> {
  for (const id of intentIds) await queue.enqueue('payout', `payout-${id}`, { intentId: id });
}
