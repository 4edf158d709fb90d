import { assert, RECONCILIATION_FINDINGS_MAX } from '@sge/shared';

/**
 * Bounds of a reconciliation run (checked when this module loads). Every check reads at most these many
 * rows or chain transactions per run, so one run's cost is bounded whatever the size of the database.
 */

/** Distinct transactions whose settlements one run matches against the chain (2–3 RPC calls each). */
export const SETTLEMENT_TXS_PER_RUN_MAX = 2_000;
/** Settlements read per query of the on-chain check. */
export const SETTLEMENT_BATCH_SIZE = 500;
/** RPC requests the on-chain check has in flight at once. */
export const SETTLEMENT_RPC_CONCURRENCY = 8;
/**
 * Verified settlements in the newest blocks are checked again (a reorg can still drop them): settlements in
 * the last this many blocks before the chain head are re-read every run, however often verified.
 */
export const SETTLEMENT_REORG_WINDOW_BLOCKS = 128;

/** Default RECONCILIATION_RECHECK_BLOCKS (the configuration's default; tests' contexts use it when unset). */
export const RECHECK_BLOCKS_DEFAULT = SETTLEMENT_REORG_WINDOW_BLOCKS;
/** Default RECONCILIATION_RECHECK_MINUTES: database rows this long before a watermark are read again. */
export const RECHECK_MINUTES_DEFAULT = 60;
/** Longest a check's loop holds the event loop before it yields (a run may share its process with HTTP). */
export const RUN_SLICE_MS = 5;
/** Run progress is written to the database at most this often. */
export const RUN_PROGRESS_INTERVAL_MS = 1_000;

/** The claim check reads the Claimed events of this many blocks below the chain watcher's cursor per run. */
export const CLAIM_EVENTS_BLOCKS_PER_RUN_MAX = 50_000;
/** Blocks per eth_getLogs request of the claim check (RPC providers limit a log query's range). */
export const CLAIM_EVENTS_BLOCK_RANGE_MAX = 2_000;

/** Newest signed payout batches whose approvals (and paying transaction) one run verifies. */
export const PAYOUT_APPROVAL_BATCHES_PER_RUN_MAX = 200;

/** Revenue settlements whose commissions one run recomputes (newest first). */
export const COMMISSION_SETTLEMENTS_PER_RUN_MAX = 20_000;
/** Settlements read per query of the commission check. */
export const COMMISSION_BATCH_SIZE = 500;
/** A revenue settlement with a referrer but no accrual this long after it was recorded is reported. */
export const COMMISSION_ACCRUAL_GRACE_MS = 10 * 60_000;

/** Deepest affiliate chain the tree check walks before it reports the chain as too deep (a cycle guard). */
export const AFFILIATE_WALK_DEPTH_MAX = 1_000;

/** Intents the processing-time figure averages (the newest confirmed ones). */
export const PROCESSING_TIME_SAMPLE = 100;
/** Jobs (or due PENDING intents) waiting in one queue above which the queue check warns. */
export const QUEUE_BACKLOG_WARN = 1_000;
/** A worker heartbeat not renewed for this long is listed as stale only if it was seen in this window. */
export const HEARTBEAT_STALE_REPORT_WINDOW_MS = 24 * 3_600_000;
/** A payout batch EXECUTING or APPROVED longer than this is reported. */
export const PAYOUT_BATCH_WAITING_WARN_MS = 3_600_000;
/** A webhook event still RECEIVED (not processed) this long after arriving is reported as a failure. */
export const WEBHOOK_UNPROCESSED_WARN_MS = 10 * 60_000;

/** A run still RUNNING this long after it started or last reported progress is presumed abandoned (its process died). */
export const RUN_TIMEOUT_MS = 30 * 60_000;
/** A scheduled slot missed by more than this (all workers were down) is not run late; the next one is. */
export const SCHEDULE_SLOT_GRACE_MS = 3_600_000;
/** How often each worker process looks whether a scheduled slot is due. */
export const SCHEDULE_TICK_MS = 30_000;
/** Longest JSON of one finding's details that is stored; larger ones are replaced by a note. */
export const FINDING_DETAILS_JSON_MAX = 4_000;

export { RECONCILIATION_FINDINGS_MAX };

function check(condition: boolean, message: string) {
  assert(condition, `reconciliation limits: ${message}`);
}
check(SETTLEMENT_TXS_PER_RUN_MAX >= SETTLEMENT_BATCH_SIZE, 'a run must hold at least one settlement batch');
check(SETTLEMENT_RPC_CONCURRENCY >= 1 && SETTLEMENT_RPC_CONCURRENCY <= 64, 'RPC concurrency 1..64');
check(COMMISSION_SETTLEMENTS_PER_RUN_MAX >= COMMISSION_BATCH_SIZE, 'a run must hold a commission batch');
check(SCHEDULE_TICK_MS * 4 <= SCHEDULE_SLOT_GRACE_MS, 'several ticks must fall in a slot’s grace period');
check(RUN_TIMEOUT_MS > SCHEDULE_TICK_MS, 'a run must outlive a schedule tick');
check(
  RECHECK_MINUTES_DEFAULT * 60_000 >= 2 * COMMISSION_ACCRUAL_GRACE_MS,
  'the re-check window must cover the commission accrual grace twice',
);
check(RUN_PROGRESS_INTERVAL_MS < RUN_TIMEOUT_MS, 'a running run must report progress before it times out');
check(RECONCILIATION_FINDINGS_MAX * FINDING_DETAILS_JSON_MAX <= 1_000_000, 'one check stores at most ~1 MB');
