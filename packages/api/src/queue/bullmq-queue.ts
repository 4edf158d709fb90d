import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  JOB_ATTEMPTS_MAX,
  JOB_RETRY_DELAY_MS,
  type JobQueue,
  type TJobHandler,
  type TProcessOptions,
} from './job-queue';

/**
 * BullMQ on Redis. Keys live under `<REDIS_PREFIX>:bull:<queue>:...` (BullMQ's layout below our prefix).
 * Completed and failed jobs are removed at once: the database records outcomes, and a removed job id can
 * be enqueued again (BullMQ ignores an add whose id still exists).
 */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  readonly #url: string;
  readonly #prefix: string;
  readonly #producer: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #workers = new Map<string, Worker>();
  readonly #workerConnections: Redis[] = [];
  readonly #onError: (error: unknown, queue: string, jobId: string) => void;

  constructor(options: {
    url: string;
    prefix: string;
    onError?: (error: unknown, queue: string, jobId: string) => void;
  }) {
    this.#url = options.url;
    this.#prefix = `${options.prefix}:bull`;
    this.#onError = options.onError ?? (() => {});
    // The producer fails fast while Redis is down (no offline queue): callers commit to PostgreSQL first,
    // and the sweeper enqueues whatever could not be enqueued.
    this.#producer = new Redis(this.#url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      lazyConnect: false,
    });
    this.#producer.on('error', () => {});
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.#producer,
        prefix: this.#prefix,
        skipWaitingForReady: true,
        defaultJobOptions: {
          removeOnComplete: true,
          removeOnFail: true,
          attempts: JOB_ATTEMPTS_MAX,
          backoff: { type: 'exponential', delay: JOB_RETRY_DELAY_MS },
        },
      });
      queue.on('error', () => {});
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(
    queue: string,
    jobId: string,
    data: Record<string, unknown>,
    options: { delayMs?: number } = {},
  ) {
    await this.#queue(queue).add(queue, data, { jobId, delay: options.delayMs });
  }

  process(queue: string, handler: TJobHandler, options: TProcessOptions) {
    if (this.#workers.has(queue)) throw new Error(`queue ${queue} already has a worker in this process`);
    // Workers block on Redis: they need their own connection that retries forever while Redis is away.
    const connection = new Redis(this.#url, { maxRetriesPerRequest: null, connectTimeout: 2_000 });
    connection.on('error', () => {});
    this.#workerConnections.push(connection);
    const worker = new Worker(
      queue,
      async (job) => {
        await handler(job.data as Record<string, unknown>, {
          jobId: job.id ?? '',
          attempt: job.attemptsMade + 1,
        });
      },
      { connection, prefix: this.#prefix, concurrency: options.concurrency },
    );
    worker.on('failed', (job, error) => this.#onError(error, queue, job?.id ?? ''));
    worker.on('error', (error) => this.#onError(error, queue, ''));
    this.#workers.set(queue, worker);
  }

  async depth(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const [name, queue] of this.#queues) {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      depths[name] = Object.values(counts).reduce((sum, count) => sum + count, 0);
    }
    return depths;
  }

  /** Pauses the queue for every worker process, not just this one. */
  async pause(queue: string) {
    await this.#queue(queue).pause();
  }

  async resume(queue: string) {
    await this.#queue(queue).resume();
  }

  async isPaused(queue: string) {
    return await this.#queue(queue).isPaused();
  }

  async ping() {
    await waitUntilReady(this.#producer, 2_000);
    await this.#producer.ping();
  }

  async close(timeoutMs: number) {
    // Workers finish their running jobs; past the timeout they are closed forcefully (their jobs stay in the
    // database as PROCESSING with a lease that expires, and the sweeper hands them out again).
    const workers = [...this.#workers.values()];
    const graceful = Promise.all(workers.map((worker) => worker.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
    ]);
    if (timedOut) await Promise.all(workers.map((worker) => worker.close(true)));
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    this.#producer.disconnect();
    for (const connection of this.#workerConnections) connection.disconnect();
  }
}

/** Resolves when an ioredis client is connected (it fails commands fast while not, by our settings). */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not reachable within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
