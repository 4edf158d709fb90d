import type { TIntentType } from '../db/schema';
import type { TJobContext, TQueueName } from '../queue';
import type { TRuntime } from '../runtime';

/**
 * How one intent type is worked. `dispatch` enqueues jobs for intents the database says are ready (the API
 * after committing an intent, and the sweeper for anything whose job was lost); `handle` runs one job.
 * Handlers must be idempotent: a job can run twice (a worker killed mid-job, a lease that expired), so each
 * one re-reads the database (and the chain) and does only what is not done yet.
 */
export type TIntentProcessor = {
  type: TIntentType;
  queue: TQueueName;
  dispatch(runtime: TRuntime, intentIds: string[]): Promise<void>;
  handle(
    runtime: TRuntime,
    data: Record<string, unknown>,
    context: TJobContext & { workerId: string },
  ): Promise<void>;
  /**
   * Called by every sweep: finds work of this type the generic PENDING scan cannot see (e.g. a mint batch
   * whose worker died) and dispatches it. Returns how many items it found.
   */
  recover?(runtime: TRuntime): Promise<number>;
};
