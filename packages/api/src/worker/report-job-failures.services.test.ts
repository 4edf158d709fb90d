import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix } from '../../test/support/redis';
import { startSentryStandIn } from '../../test/support/sentry-stand-in';
import { TEST_PLATFORM_ENV } from '../../test/support/test-platform-env';
import { loadConfig } from '../config';
import { AppError } from '../domain/app-error';
import { createErrorReporter, type TErrorReporter } from '../monitoring/error-reporter';
import { BullmqQueue } from '../queue';
import { reportJobFailures } from './report-job-failures';

/**
 * A worker job that fails, end to end: a real BullMQ queue on Redis, the error reporter as the platform starts
 * it (SENTRY_DSN pointing at a local stand-in for Sentry's ingest endpoint), and a processor that throws.
 */

const INTENT_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
/** A 65-byte signature (as an EIP-712 approval or a registration proof carries) that must never be sent. */
const SIGNATURE = `0x${'cd'.repeat(65)}`;
/** Mock mode's development admin key: a configured secret, scrubbed by value. */
const ADMIN_KEY = 'dev-admin-key';
/** The stand-in has the event well within this (the reporter flushes on demand). */
const REPORT_WAIT_MS = 15_000;

describe('a failed worker job is reported to Sentry', () => {
  const redis = createTestRedisPrefix();
  let queue: BullmqQueue;
  let reporter: TErrorReporter;
  let sentry: Awaited<ReturnType<typeof startSentryStandIn>>;

  beforeAll(async () => {
    sentry = await startSentryStandIn();
    const config = loadConfig({
      ...TEST_PLATFORM_ENV,
      LOG_LEVEL: 'silent',
      SENTRY_DSN: sentry.dsn,
      SENTRY_RELEASE: 'sge-platform@worker-test',
    });
    expect(config.admin.keys.map((admin) => admin.key)).toContain(ADMIN_KEY);
    reporter = createErrorReporter(config);
    queue = new BullmqQueue({ url: redis.url, prefix: redis.prefix });
    await queue.ping();
  });

  afterAll(async () => {
    await queue?.close(5_000);
    await redis.cleanup();
    sentry?.server.close();
  });

  async function eventTagged(jobId: string): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await expect
      .poll(
        async () => {
          await reporter.flush(1_000);
          found = sentry
            .events()
            .find(({ event }) => (event.tags as Record<string, unknown>)?.job_id === jobId)?.event;
          return found !== undefined;
        },
        { timeout: REPORT_WAIT_MS, interval: 100 },
      )
      .toBe(true);
    return found!;
  }

  it('reports the job name, id and attempt, the intent id and the release, without the signature or admin key', async () => {
    const attempts: number[] = [];
    queue.process(
      'register',
      reportJobFailures(reporter, 'register', async (data, context) => {
        attempts.push(context.attempt);
        if (data.kind === 'expected') throw new AppError('CONFLICT', 'an expected refusal');
        // An unexpected failure whose message quotes what it was working on, secrets included.
        throw new Error(`job ${context.jobId} failed for proof ${SIGNATURE} (x-admin-key: ${ADMIN_KEY})`);
      }),
      { concurrency: 1 },
    );
    await queue.enqueue('register', `mint-${INTENT_ID}`, { intentId: INTENT_ID, signature: SIGNATURE });

    const event = await eventTagged(`mint-${INTENT_ID}`);
    expect(event.release).toBe('sge-platform@worker-test');
    expect(event.tags).toMatchObject({
      queue: 'register',
      job_name: 'register',
      job_id: `mint-${INTENT_ID}`,
      intent_id: INTENT_ID,
    });
    expect(String((event.tags as Record<string, unknown>).job_attempt)).toBe('1');
    expect(JSON.stringify(event.exception)).toContain(`job mint-${INTENT_ID} failed for proof [signature]`);
    const everything = JSON.stringify(sentry.envelopes);
    expect(everything).not.toContain(SIGNATURE.slice(2));
    expect(everything).not.toContain(ADMIN_KEY);
    // The wrapper rethrows, so the queue retries the job (Sentry's dedupe drops a retry's identical report).
    await expect.poll(() => attempts, { timeout: REPORT_WAIT_MS }).toEqual([1, 2, 3]);
  }, 60_000);

  it('reports a job without an intent with no intent id, and an AppError not at all', async () => {
    await queue.enqueue('register', 'sweep-1', {});
    const event = await eventTagged('sweep-1');
    expect((event.tags as Record<string, unknown>).intent_id).toBeUndefined();

    await queue.enqueue('register', 'refused-1', { kind: 'expected' });
    await queue.enqueue('register', 'after-refused-1', {});
    // Jobs run in order (concurrency 1): once the later job is reported, the refused one has run too.
    await eventTagged('after-refused-1');
    const refused = sentry
      .events()
      .filter(({ event: candidate }) => (candidate.tags as Record<string, unknown>)?.job_id === 'refused-1');
    expect(refused).toEqual([]);
  }, 60_000);
});
