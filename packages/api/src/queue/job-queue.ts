/**
 * One queue interface, two implementations: BullMQ on Redis (Real/Production) and an in-process queue
 * (Mock mode). Jobs only dispatch work: PostgreSQL holds the truth, so a lost job (Redis flushed, process
 * killed) is found again by the sweeper (worker/sweeper.ts) and re-enqueued under the same job id.
 *
 * Job ids are deterministic (`<kind>-<id>`, written down by each queue's enqueue module; BullMQ forbids ':'
 * in them, and the in-process queue refuses it too so Mock mode cannot hide a bad id); enqueueing an id that
 * is already waiting or running is a no-op in both implementations.
 */
export type TJobContext = { jobId: string; attempt: number };
export type TJobHandler = (data: Record<string, unknown>, context: TJobContext) => Promise<void>;

export type TEnqueueOptions = {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
};

export type TProcessOptions = { concurrency: number };

export interface JobQueue {
  readonly kind: 'memory' | 'bullmq';
  /** Adds a job unless one with this id is already waiting, delayed or running. */
  enqueue(
    queue: string,
    jobId: string,
    data: Record<string, unknown>,
    options?: TEnqueueOptions,
  ): Promise<void>;
  /** Starts consuming a queue in this process. */
  process(queue: string, handler: TJobHandler, options: TProcessOptions): void;
  /** Jobs waiting or delayed (not running), per queue this process knows. */
  depth(): Promise<Record<string, number>>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;
  /** Throws when the queue backend is unreachable. */
  ping(): Promise<void>;
  /** Stops taking new jobs and waits for running ones (up to timeoutMs), then disconnects. */
  close(timeoutMs: number): Promise<void>;
}

/** Every queue name. One queue per kind of work so a backlog in one does not starve another. */
export const QUEUE_NAMES = ['register', 'claim', 'commerce', 'payout', 'maintenance'] as const;
export type TQueueName = (typeof QUEUE_NAMES)[number];

/** Attempts a job gets from the queue itself before the sweeper takes over; retries in 1 s, 2 s. */
export const JOB_ATTEMPTS_MAX = 3;
export const JOB_RETRY_DELAY_MS = 1_000;

/** BullMQ's rule for custom job ids, enforced by both implementations. */
export function assertJobId(jobId: string): void {
  if (jobId.length === 0 || jobId.includes(':'))
    throw new Error(`invalid job id "${jobId}": non-empty, no ':'`);
}
