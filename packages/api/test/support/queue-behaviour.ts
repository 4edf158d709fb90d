import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/queue';

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One behaviour for both queue implementations (in-process in the unit suite, BullMQ in the services suite). */
export function describeQueueBehaviour(
  name: string,
  create: () => Promise<{ queue: JobQueue; cleanup(): Promise<void> }>,
) {
  describe(`${name} queue`, () => {
    let current: { queue: JobQueue; cleanup(): Promise<void> } | null = null;
    const open = async () => {
      current = await create();
      return current.queue;
    };
    afterEach(async () => {
      await current?.queue.close(5_000);
      await current?.cleanup();
      current = null;
    });

    it('runs each job id once while it is waiting, and again once it has finished', async () => {
      const queue = await open();
      await queue.pause('work');
      const seen: string[] = [];
      queue.process('work', async (data) => void seen.push(String(data.n)), { concurrency: 2 });
      await queue.enqueue('work', 'job-a', { n: 1 });
      await queue.enqueue('work', 'job-a', { n: 2 });
      await queue.enqueue('work', 'job-b', { n: 3 });
      expect((await queue.depth()).work).toBe(2);
      await queue.resume('work');
      await waitFor(() => seen.length === 2);
      expect(seen.sort()).toEqual(['1', '3']);
      await queue.enqueue('work', 'job-a', { n: 4 });
      await waitFor(() => seen.length === 3);
      expect(seen).toContain('4');
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const queue = await open();
      let attempts = 0;
      queue.process(
        'flaky',
        async (_data, context) => {
          attempts = context.attempt;
          if (context.attempt < 2) throw new Error('transient');
        },
        { concurrency: 1 },
      );
      await queue.enqueue('flaky', 'flaky-1', {});
      await waitFor(() => attempts === 2, 15_000);
    });

    it('delays a job and counts it in the depth until it runs', async () => {
      const queue = await open();
      let ran = false;
      queue.process(
        'later',
        async () => {
          ran = true;
        },
        { concurrency: 1 },
      );
      await queue.enqueue('later', 'later-1', {}, { delayMs: 400 });
      expect((await queue.depth()).later).toBe(1);
      expect(ran).toBe(false);
      await waitFor(() => ran);
    });

    it('waits for running jobs when closed', async () => {
      const queue = await open();
      let finished = false;
      let started = false;
      queue.process(
        'slow',
        async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 300));
          finished = true;
        },
        { concurrency: 1 },
      );
      await queue.enqueue('slow', 'slow-1', {});
      await waitFor(() => started);
      await queue.close(5_000);
      expect(finished).toBe(true);
      current = null;
    });
  });
}
