import {
  assertJobId,
  JOB_ATTEMPTS_MAX,
  JOB_RETRY_DELAY_MS,
  type JobQueue,
  type TJobHandler,
  type TProcessOptions,
} from './job-queue';

type TJob = { id: string; data: Record<string, unknown>; attempt: number; runAt: number };

type TLane = {
  waiting: TJob[];
  delayed: Map<string, { job: TJob; timer: NodeJS.Timeout }>;
  active: Set<string>;
  handler: TJobHandler | null;
  concurrency: number;
  paused: boolean;
};

/**
 * The in-process queue of Mock mode: same semantics as the BullMQ one (dedupe by job id, delays, retries
 * with backoff, pause, drain on close), nothing outside the process. Losing it loses nothing: the sweeper
 * re-enqueues from the database.
 */
export class MemoryQueue implements JobQueue {
  readonly kind = 'memory' as const;
  readonly #lanes = new Map<string, TLane>();
  readonly #onError: (error: unknown, queue: string, jobId: string) => void;
  #closing = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: { onError?: (error: unknown, queue: string, jobId: string) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  #lane(queue: string): TLane {
    let lane = this.#lanes.get(queue);
    if (!lane) {
      lane = {
        waiting: [],
        delayed: new Map(),
        active: new Set(),
        handler: null,
        concurrency: 1,
        paused: false,
      };
      this.#lanes.set(queue, lane);
    }
    return lane;
  }

  async enqueue(
    queue: string,
    jobId: string,
    data: Record<string, unknown>,
    options: { delayMs?: number } = {},
  ) {
    assertJobId(jobId);
    if (this.#closing) return;
    const lane = this.#lane(queue);
    if (lane.active.has(jobId) || lane.delayed.has(jobId) || lane.waiting.some((job) => job.id === jobId))
      return;
    this.#schedule(queue, lane, { id: jobId, data, attempt: 1, runAt: Date.now() + (options.delayMs ?? 0) });
  }

  #schedule(queue: string, lane: TLane, job: TJob) {
    const delayMs = job.runAt - Date.now();
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        lane.delayed.delete(job.id);
        lane.waiting.push(job);
        this.#pump(queue, lane);
      }, delayMs);
      timer.unref();
      lane.delayed.set(job.id, { job, timer });
      return;
    }
    lane.waiting.push(job);
    this.#pump(queue, lane);
  }

  process(queue: string, handler: TJobHandler, options: TProcessOptions) {
    const lane = this.#lane(queue);
    lane.handler = handler;
    lane.concurrency = options.concurrency;
    this.#pump(queue, lane);
  }

  #pump(queue: string, lane: TLane) {
    while (!this.#closing && !lane.paused && lane.handler && lane.active.size < lane.concurrency) {
      const job = lane.waiting.shift();
      if (!job) break;
      lane.active.add(job.id);
      const handler = lane.handler;
      // Run on a later tick so enqueue() never runs a handler inside its caller's stack.
      setImmediate(() => {
        handler(job.data, { jobId: job.id, attempt: job.attempt })
          .catch((error: unknown) => {
            this.#onError(error, queue, job.id);
            if (job.attempt < JOB_ATTEMPTS_MAX && !this.#closing) {
              const delay = JOB_RETRY_DELAY_MS * 2 ** (job.attempt - 1);
              lane.active.delete(job.id);
              this.#schedule(queue, lane, { ...job, attempt: job.attempt + 1, runAt: Date.now() + delay });
            }
          })
          .finally(() => {
            lane.active.delete(job.id);
            this.#pump(queue, lane);
            this.#notifyIfIdle();
          });
      });
    }
  }

  async depth(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const [name, lane] of this.#lanes) depths[name] = lane.waiting.length + lane.delayed.size;
    return depths;
  }

  async pause(queue: string) {
    this.#lane(queue).paused = true;
  }

  async resume(queue: string) {
    const lane = this.#lane(queue);
    lane.paused = false;
    this.#pump(queue, lane);
  }

  async isPaused(queue: string) {
    return this.#lane(queue).paused;
  }

  async ping() {}

  #activeCount(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.active.size;
    return count;
  }

  #notifyIfIdle() {
    if (this.#activeCount() > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async close(timeoutMs: number) {
    this.#closing = true;
    for (const lane of this.#lanes.values()) {
      for (const { timer } of lane.delayed.values()) clearTimeout(timer);
      lane.delayed.clear();
      lane.waiting.length = 0;
    }
    if (this.#activeCount() === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => this.#idleWaiters.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
