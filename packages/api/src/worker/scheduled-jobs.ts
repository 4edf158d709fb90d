import { sql } from 'kysely';
import { purgeExpiredAuth } from '../domain/auth/sign-in-with-ethereum';
import { retryFailedCommerceEvents } from '../domain/commerce/retry-failed-webhook-events';
import { matureCommissions } from '../domain/commissions/mature-commissions';
import { writeLedgerCheckpoint } from '../domain/ledger/write-ledger-checkpoint';
import type { TRuntime } from '../runtime';
import { startReconciliationSchedule } from './reconciliation-job';

/**
 * Periodic jobs of every worker process. Each is safe to run in many processes at once (batched, idempotent
 * updates), so no leader election is needed.
 * - commission maturity, every COMMISSION_MATURITY_INTERVAL_MS (default a minute): ACCRUED → PAYABLE once
 *   past the program's hold period;
 * - expired SIWE nonces and affiliate sessions, every hour;
 * - Commerce webhook events whose processing failed, every 5 minutes, from their stored envelope (Commerce
 *   stops redelivering after a while; each retry is exactly-once like a delivery);
 * - ledger balance checkpoints up to the latest UTC midnight, at start and every hour (the first call after
 *   midnight writes them; domain/ledger/write-ledger-checkpoint.ts; "as of" balances start from them);
 * - Mock mode: ANALYZE every 5 minutes (PGlite has no autovacuum to keep planner statistics current).
 * - reconciliation at each slot of RECONCILIATION_SCHEDULE (default daily 02:00 UTC): the one exception to
 *   "every process runs it" — the slot is claimed through a unique key, so one process runs each slot
 *   (worker/reconciliation-job.ts).
 */
export const SCHEDULE = {
  purgeExpiredAuthMs: 3_600_000,
  retryFailedWebhooksMs: 300_000,
  mockAnalyzeMs: 300_000,
  ledgerCheckpointMs: 3_600_000,
} as const;

export function startScheduledJobs(runtime: TRuntime): () => void {
  const { db } = runtime.database;
  const run = (name: string, job: () => Promise<unknown>) => () => {
    job().catch((error: unknown) => runtime.logger.warn({ err: error, job: name }, 'scheduled job failed'));
  };
  const timers = [
    setInterval(
      run('mature-commissions', () => matureCommissions(db, new Date())),
      runtime.config.workers.commissionMaturityIntervalMs,
    ),
    setInterval(
      run('purge-expired-auth', () => purgeExpiredAuth(db)),
      SCHEDULE.purgeExpiredAuthMs,
    ),
    setInterval(
      run('retry-failed-webhooks', () => retryFailedCommerceEvents(db)),
      SCHEDULE.retryFailedWebhooksMs,
    ),
    setInterval(
      run('ledger-checkpoint', () => writeLedgerCheckpoint(db)),
      SCHEDULE.ledgerCheckpointMs,
    ),
  ];
  run('ledger-checkpoint', () => writeLedgerCheckpoint(db))();
  if (runtime.config.mockMode) {
    timers.push(
      setInterval(
        run('analyze', () => sql`ANALYZE`.execute(db)),
        SCHEDULE.mockAnalyzeMs,
      ),
    );
  }
  for (const timer of timers) timer.unref();
  const stopReconciliation = startReconciliationSchedule(runtime);
  return () => {
    for (const timer of timers) clearInterval(timer);
    void stopReconciliation();
  };
}
