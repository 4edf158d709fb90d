import { AppError } from '../domain/app-error';
import type { TErrorReporter } from '../monitoring/error-reporter';
import type { TJobHandler } from '../queue';

/**
 * Wraps a queue's job handler so that an unexpected failure is reported (Sentry when configured) with the job's
 * name (the queue it was added to: every job of a queue carries the queue's name), its id and attempt, and the
 * intent id when the job has one; then rethrown, so that the queue retries it. AppErrors are expected outcomes
 * (a refused state change, a gate) and are not reported. The error's message goes through the reporter's
 * scrubbing (signatures, configured secrets); the job's data itself is never attached.
 *
 * @example queue.process('register', reportJobFailures(runtime.errorReporter, 'register', handler), options);
 */
export function reportJobFailures(
  reporter: TErrorReporter,
  queue: string,
  handler: TJobHandler,
): TJobHandler {
  return (data, context) =>
    handler(data, context).catch((error: unknown) => {
      if (!(error instanceof AppError)) {
        reporter.report(error, {
          queue,
          jobName: queue,
          jobId: context.jobId,
          attempt: context.attempt,
          intentId: typeof data.intentId === 'string' ? data.intentId : undefined,
        });
      }
      throw error;
    });
}
