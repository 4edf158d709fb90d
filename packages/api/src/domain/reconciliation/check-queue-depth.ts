import { FindingList, type TReconciliationCheck } from './check-context';
import { countIntentBacklog } from './count-intent-backlog';
import { QUEUE_BACKLOG_WARN } from './reconciliation-limits';

/**
 * Queue depth: jobs waiting per queue (Redis or the in-process queue), paused queues, and the PENDING intents
 * due per type in the database (the backlog the queues only wake workers up for). WARN above
 * QUEUE_BACKLOG_WARN or when a queue is paused.
 */
export const checkQueueDepth: TReconciliationCheck = {
  name: 'queue_depth',
  async run({ db, queue, queueNames, now }) {
    const findings = new FindingList();
    // Asking whether each queue is paused also makes this process know every queue, so depth() covers all.
    const paused = Object.fromEntries(
      await Promise.all(queueNames.map(async (name) => [name, await queue.isPaused(name)] as const)),
    );
    const reported = await queue.depth();
    const depths = Object.fromEntries(queueNames.map((name) => [name, reported[name] ?? 0]));
    const backlog = await countIntentBacklog(db, now());
    for (const [name, depth] of Object.entries(depths)) {
      if (paused[name]) {
        findings.add({
          kind: 'QUEUE_PAUSED',
          severity: 'WARN',
          subject: `queue:${name}`,
          message: `queue ${name} is paused (${depth} job(s) waiting)`,
          details: { queue: name, depth },
        });
      }
      if (depth > QUEUE_BACKLOG_WARN) {
        findings.add({
          kind: 'QUEUE_BACKLOG',
          severity: 'WARN',
          subject: `queue:${name}`,
          message: `queue ${name} has ${depth} job(s) waiting (more than ${QUEUE_BACKLOG_WARN})`,
          details: { queue: name, depth },
        });
      }
    }
    for (const [type, pending] of Object.entries(backlog)) {
      if (pending <= QUEUE_BACKLOG_WARN) continue;
      findings.add({
        kind: 'INTENT_BACKLOG',
        severity: 'WARN',
        subject: `intents:${type}`,
        message: `${pending} ${type} intent(s) are PENDING and due (more than ${QUEUE_BACKLOG_WARN})`,
        details: { type, pending },
      });
    }
    const jobs = Object.values(depths).reduce((sum, n) => sum + n, 0);
    const intents = Object.values(backlog).reduce((sum, n) => sum + n, 0);
    return {
      summary: `${jobs} job(s) queued, ${intents} intent(s) pending and due`,
      figures: { depths, paused, pendingIntents: backlog },
      findings,
    };
  },
};
