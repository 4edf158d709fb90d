import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import type { TDbExecutor } from '../in-transaction';

/** What pausing needs of the job queue (queue/job-queue.ts implements it, BullMQ or in-process). */
export type TPausableQueue = {
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;
  depth(): Promise<Record<string, number>>;
};

export type TQueueState = { name: string; paused: boolean; depth: number };

/** Every queue with whether it is paused and how many jobs wait in it. */
export async function listQueues(queue: TPausableQueue, names: readonly string[]): Promise<TQueueState[]> {
  const paused = await Promise.all(names.map((name) => queue.isPaused(name)));
  const depths = await queue.depth();
  return names.map((name, index) => ({ name, paused: paused[index] ?? false, depth: depths[name] ?? 0 }));
}

/**
 * Pauses or resumes one queue for every worker (BullMQ keeps the flag in Redis): a paused queue keeps its
 * jobs and takes new ones, and no worker starts them until it is resumed. Audited (`queue.pause`,
 * `queue.resume`) with what it was before.
 *
 * @throws AppError NOT_FOUND for a queue that is not one of `names`.
 */
export async function setQueuePaused(
  deps: { db: TDbExecutor; queue: TPausableQueue; names: readonly string[] },
  who: TActor,
  input: { name: string; paused: boolean },
): Promise<TQueueState> {
  if (!deps.names.includes(input.name)) {
    throw new AppError(
      'NOT_FOUND',
      `params.name: no queue "${input.name}" (queues: ${deps.names.join(', ')})`,
    );
  }
  const before = await deps.queue.isPaused(input.name);
  if (input.paused) await deps.queue.pause(input.name);
  else await deps.queue.resume(input.name);
  await writeAudit(deps.db, who, {
    action: input.paused ? 'queue.pause' : 'queue.resume',
    programId: null,
    subjectType: 'queue',
    subjectId: input.name,
    before: { paused: before },
    after: { paused: input.paused },
  });
  const [state] = await listQueues(deps.queue, [input.name]);
  return state!;
}
