import { FindingList, type TReconciliationCheck } from './check-context';
import { listWorkerHeartbeats } from './list-worker-heartbeats';
import { HEARTBEAT_STALE_REPORT_WINDOW_MS, RECONCILIATION_FINDINGS_MAX } from './reconciliation-limits';

/**
 * Worker heartbeats: which worker processes are alive. WARN when none is (nothing processes intents) or when
 * one stopped beating without a clean exit in the last HEARTBEAT_STALE_REPORT_WINDOW_MS (it crashed).
 */
export const checkWorkerHeartbeats: TReconciliationCheck = {
  name: 'worker_heartbeats',
  async run({ db, now }) {
    const findings = new FindingList();
    const workers = await listWorkerHeartbeats(db, {
      now: now(),
      windowMs: HEARTBEAT_STALE_REPORT_WINDOW_MS,
      limit: RECONCILIATION_FINDINGS_MAX,
    });
    const alive = workers.filter((worker) => worker.alive);
    if (alive.length === 0) {
      findings.add({
        kind: 'NO_WORKER_ALIVE',
        severity: 'WARN',
        subject: null,
        message: 'no worker process has sent a heartbeat recently: intents are not being processed',
      });
    }
    for (const worker of workers) {
      if (worker.alive) continue;
      findings.add({
        kind: 'WORKER_STALE',
        severity: 'WARN',
        subject: `worker:${worker.workerId}`,
        message: `worker ${worker.workerId} (${worker.role} on ${worker.host}, pid ${worker.pid}) last beat ${worker.ageSeconds} s ago`,
        details: worker,
      });
    }
    return {
      summary: `${alive.length} worker(s) alive, ${workers.length - alive.length} stale`,
      figures: { alive: alive.length, stale: workers.length - alive.length, workers },
      findings,
    };
  },
};
