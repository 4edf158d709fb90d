import { z } from 'zod';
import { ZTimestamp } from './pagination';

/**
 * Reconciliation (issue 7): the checks a run performs, their results and the admin API's request and
 * response shapes. A run's checks are stored with their findings (at most RECONCILIATION_FINDINGS_MAX per
 * check; `findingCount` says how many there were in all).
 */

/** Every check, in the order a run performs them (also the `check` label of the sge_reconciliation_* metrics). */
export const RECONCILIATION_CHECKS = [
  'ledger',
  'settlements_on_chain',
  'commissions',
  'payouts',
  'payout_approvals',
  'claims_recorded',
  'affiliate_tree',
  'stuck_intents',
  'queue_depth',
  'worker_heartbeats',
  'processing_time',
  'pending_payout_batches',
  'webhook_failures',
  // Issue 17: manual revenue without a reference, or above the threshold without a second admin's approval.
  'manual_revenue',
] as const;
export const ZReconciliationCheckName = z.enum(RECONCILIATION_CHECKS);
export type TReconciliationCheckName = z.infer<typeof ZReconciliationCheckName>;

/**
 * Operational checks: cheap database and queue reads, shown live on the reconciliation page (the money
 * checks above them read the whole ledger or the chain and run only in a stored run).
 */
export const RECONCILIATION_LIVE_CHECKS = [
  'stuck_intents',
  'queue_depth',
  'worker_heartbeats',
  'processing_time',
  'pending_payout_batches',
  'webhook_failures',
] as const satisfies readonly TReconciliationCheckName[];

/** Most findings stored per check of a run; the rest are counted in `findingCount`. */
export const RECONCILIATION_FINDINGS_MAX = 100;
/** Longest finding message stored. */
export const RECONCILIATION_MESSAGE_LENGTH_MAX = 500;

/**
 * OK: nothing found. WARN: something for an operator to look at (stuck intents, a dead worker, a backlog).
 * FAIL: money or chain facts disagree. ERROR: the check itself could not run (its error is the summary).
 */
export const ZReconciliationStatus = z.enum(['OK', 'WARN', 'FAIL', 'ERROR']);
export type TReconciliationStatus = z.infer<typeof ZReconciliationStatus>;

/** Mismatch kinds of the on-chain settlement check. */
export const SETTLEMENT_MISMATCH_KINDS = [
  'MISSING',
  'FAILED',
  'WRONG_AMOUNT',
  'WRONG_RECIPIENT',
  'REORGED',
] as const;

export const ZReconciliationAction = z.object({
  kind: z.literal('RETRY_INTENT'),
  intentId: z.uuid(),
  /** POST here (admin key) to retry. */
  path: z.string(),
});

export const ZReconciliationFinding = z.object({
  /** What is wrong, as a code: LEDGER_IMBALANCE, MISSING, WRONG_AMOUNT, STUCK_INTENT, WORKER_STALE, ... */
  kind: z.string(),
  severity: z.enum(['WARN', 'FAIL']),
  message: z.string(),
  /** The object concerned (`settlement:<id>`, `intent:<id>`, `program:<slug>`, ...). */
  subject: z.string().nullable(),
  /** Facts behind it (amounts are decimal strings). */
  details: z.record(z.string(), z.unknown()),
  action: ZReconciliationAction.nullable(),
});
export type TReconciliationFinding = z.infer<typeof ZReconciliationFinding>;

export const ZReconciliationCheckResult = z.object({
  name: ZReconciliationCheckName,
  status: ZReconciliationStatus,
  summary: z.string(),
  /** Figures for dashboards and the page (counts, sums as decimal strings, per-currency totals ...). */
  figures: z.record(z.string(), z.unknown()),
  findingCount: z.number().int().nonnegative(),
  findings: z.array(ZReconciliationFinding),
  durationMs: z.number().int().nonnegative(),
});
export type TReconciliationCheckResult = z.infer<typeof ZReconciliationCheckResult>;

export const ZReconciliationRunStatus = z.enum(['RUNNING', 'OK', 'WARN', 'FAIL', 'ERROR']);

export const ZReconciliationRunSummary = z.object({
  id: z.uuid(),
  trigger: z.enum(['SCHEDULED', 'MANUAL']),
  /** The schedule slot a scheduled run is for (one run per slot across all workers). */
  slot: ZTimestamp.nullable(),
  status: ZReconciliationRunStatus,
  requestedBy: z.string(),
  startedAt: ZTimestamp,
  finishedAt: ZTimestamp.nullable(),
  error: z.string().nullable(),
  /** Status per check (a running run lists what is done so far). */
  checkStatuses: z.record(z.string(), ZReconciliationStatus),
  findingCount: z.number().int().nonnegative(),
  /** INCREMENTAL: what is new since each check's watermark (scheduled, run now); FULL: everything again. */
  mode: z.enum(['INCREMENTAL', 'FULL']),
  /** How far the running check got (`total` null when unknown); null before a worker takes the run. */
  progress: z
    .object({
      check: z.string(),
      checked: z.number().int().nonnegative(),
      total: z.number().int().nullable(),
    })
    .nullable(),
  /** The worker process performing the run (null while it waits in the queue). */
  pickedBy: z.string().nullable(),
});
export type TReconciliationRunSummary = z.infer<typeof ZReconciliationRunSummary>;

export const ZReconciliationRun = ZReconciliationRunSummary.extend({
  checks: z.array(ZReconciliationCheckResult),
});
export type TReconciliationRun = z.infer<typeof ZReconciliationRun>;

export const ZReconciliationRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Runs started before this one (its id), for the next page. */
  before: z.uuid().optional(),
});
export const ZReconciliationRuns = z.object({
  items: z.array(ZReconciliationRunSummary),
  nextBefore: z.uuid().nullable(),
});

export const ZRunReconciliationRequest = z
  .object({
    /** A subset of the checks (default: all). */
    checks: z.array(ZReconciliationCheckName).min(1).max(RECONCILIATION_CHECKS.length).optional(),
  })
  .strict();

/** The live operational view of the page: the cheap checks, computed now, not stored. */
export const ZReconciliationLive = z.object({
  checkedAt: ZTimestamp,
  checks: z.array(ZReconciliationCheckResult),
});
export type TReconciliationLive = z.infer<typeof ZReconciliationLive>;

export const ZRetryStuckIntentRequest = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
