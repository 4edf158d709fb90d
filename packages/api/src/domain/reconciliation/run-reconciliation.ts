import {
  RECONCILIATION_CHECKS,
  type TReconciliationCheckName,
  type TReconciliationCheckResult,
  type TReconciliationStatus,
} from '@sge/shared';
import { sql } from 'kysely';
import { AppError } from '../app-error';
import { sqlState } from '../in-transaction';
import { checkAffiliateTree } from './check-affiliate-tree';
import { checkClaimsRecorded } from './check-claims-recorded';
import { checkCommissions } from './check-commissions';
import type { TReconciliationCheck, TReconciliationContext } from './check-context';
import { checkLedger } from './check-ledger';
import { checkManualRevenue } from './check-manual-revenue';
import { checkPayoutApprovals } from './check-payout-approvals';
import { checkPayouts } from './check-payouts';
import { checkPendingPayoutBatches } from './check-pending-payout-batches';
import { checkProcessingTime } from './check-processing-time';
import { checkQueueDepth } from './check-queue-depth';
import { checkSettlementsOnChain } from './check-settlements-on-chain';
import { checkStuckIntents } from './check-stuck-intents';
import { checkWebhookFailures } from './check-webhook-failures';
import { checkWorkerHeartbeats } from './check-worker-heartbeats';
import { RUN_PROGRESS_INTERVAL_MS, RUN_TIMEOUT_MS } from './reconciliation-limits';

/** Every check by name (one file each), in RECONCILIATION_CHECKS order. */
export const CHECKS: Record<TReconciliationCheckName, TReconciliationCheck> = {
  ledger: checkLedger,
  settlements_on_chain: checkSettlementsOnChain,
  commissions: checkCommissions,
  payouts: checkPayouts,
  payout_approvals: checkPayoutApprovals,
  claims_recorded: checkClaimsRecorded,
  affiliate_tree: checkAffiliateTree,
  stuck_intents: checkStuckIntents,
  queue_depth: checkQueueDepth,
  worker_heartbeats: checkWorkerHeartbeats,
  processing_time: checkProcessingTime,
  pending_payout_batches: checkPendingPayoutBatches,
  webhook_failures: checkWebhookFailures,
  manual_revenue: checkManualRevenue,
};

/** Runs one check; a check that throws is an ERROR result (its message the summary), never a failed run. */
export async function runCheck(
  context: TReconciliationContext,
  name: TReconciliationCheckName,
): Promise<TReconciliationCheckResult> {
  const started = performance.now();
  try {
    const outcome = await CHECKS[name].run(context);
    return {
      name,
      status: outcome.status ?? outcome.findings.status(),
      summary: outcome.summary,
      figures: jsonSafe(outcome.figures),
      findingCount: outcome.findings.count,
      findings: outcome.findings.items,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return {
      name,
      status: 'ERROR',
      summary: `the check could not run: ${(error as Error).message?.split('\n')[0] ?? String(error)}`.slice(
        0,
        500,
      ),
      figures: {},
      findingCount: 0,
      findings: [],
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** A run's status: FAIL over ERROR over WARN over OK. */
export function overallStatus(statuses: readonly TReconciliationStatus[]): TReconciliationStatus {
  for (const status of ['FAIL', 'ERROR', 'WARN'] as const) if (statuses.includes(status)) return status;
  return 'OK';
}

export type TStartRunInput = {
  trigger: 'SCHEDULED' | 'MANUAL';
  /** The schedule slot (SCHEDULED only). */
  slot: Date | null;
  requestedBy: string;
  checks: readonly TReconciliationCheckName[];
  /** INCREMENTAL (default): what is new since each check's watermark; FULL: everything again. */
  mode?: 'INCREMENTAL' | 'FULL';
};

/**
 * Claims a run: inserts its RUNNING row, first marking ERROR any run RUNNING without progress for longer
 * than RUN_TIMEOUT_MS (its process died). Exactly once through unique keys, never check-then-insert:
 * - a SCHEDULED run for a slot that already has a run returns null (another worker has it);
 * - while another run is RUNNING, a SCHEDULED claim returns null (the next tick tries again) and a MANUAL
 *   one is an AppError CONFLICT naming the running run.
 */
export async function startReconciliationRun(
  context: Pick<TReconciliationContext, 'db' | 'now'>,
  input: TStartRunInput,
): Promise<{ id: string } | null> {
  const { db } = context;
  const now = context.now();
  await db
    .updateTable('reconciliation_runs')
    .set({ status: 'ERROR', error: 'abandoned: its process stopped before finishing', finished_at: now })
    .where('status', '=', 'RUNNING')
    .where(sql<boolean>`coalesce(progress_at, started_at) < ${new Date(now.getTime() - RUN_TIMEOUT_MS)}`)
    .execute();
  try {
    const row = await db
      .insertInto('reconciliation_runs')
      .values({
        trigger: input.trigger,
        slot: input.slot,
        requested_by: input.requestedBy,
        requested_checks: [...input.checks],
        mode: input.mode ?? 'INCREMENTAL',
        started_at: now,
      })
      .onConflict((oc) => oc.column('slot').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ?? null;
  } catch (error) {
    // 23505: the one-running index (another run is RUNNING).
    if (sqlState(error) !== '23505') throw error;
    if (input.trigger === 'SCHEDULED') return null;
    const running = await db
      .selectFrom('reconciliation_runs')
      .select(['id', 'started_at'])
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    throw new AppError(
      'CONFLICT',
      `reconciliation run ${running?.id ?? '(unknown)'} is still running; wait for it to finish`,
      { details: { runId: running?.id ?? null } },
    );
  }
}

/**
 * Performs the checks of a claimed run, storing each result as it completes (the page shows a running run's
 * progress), then the run's final status. Only a run still RUNNING is written (one marked abandoned is not
 * overwritten).
 */
export async function executeReconciliationRun(
  base: TReconciliationContext,
  runId: string,
  checks: readonly TReconciliationCheckName[],
  mode: 'INCREMENTAL' | 'FULL' = 'INCREMENTAL',
): Promise<TReconciliationStatus> {
  const { db } = base;
  const results: TReconciliationCheckResult[] = [];
  const ordered = RECONCILIATION_CHECKS.filter((name) => checks.includes(name));
  let current: string = ordered[0] ?? '';
  let reportedAt = 0;
  // Progress is written at most every RUN_PROGRESS_INTERVAL_MS (and at each check's start); it also keeps a
  // long FULL run from being taken for abandoned.
  const progress = async (checked: number, total: number | null, force = false) => {
    if (!force && performance.now() - reportedAt < RUN_PROGRESS_INTERVAL_MS) return;
    reportedAt = performance.now();
    await db
      .updateTable('reconciliation_runs')
      .set({ progress: JSON.stringify({ check: current, checked, total }), progress_at: base.now() })
      .where('id', '=', runId)
      .where('status', '=', 'RUNNING')
      .execute();
  };
  const context: TReconciliationContext = { ...base, run: { id: runId, mode, progress } };
  try {
    for (const name of ordered) {
      current = name;
      await progress(0, null, true);
      results.push(await runCheck(context, name));
      await db
        .updateTable('reconciliation_runs')
        .set({
          checks: JSON.stringify(results),
          finding_count: results.reduce((sum, result) => sum + result.findingCount, 0),
        })
        .where('id', '=', runId)
        .where('status', '=', 'RUNNING')
        .execute();
    }
    const status = overallStatus(results.map((result) => result.status));
    await db
      .updateTable('reconciliation_runs')
      .set({ status, finished_at: context.now() })
      .where('id', '=', runId)
      .where('status', '=', 'RUNNING')
      .execute();
    return status;
  } catch (error) {
    await db
      .updateTable('reconciliation_runs')
      .set({
        status: 'ERROR',
        error: String((error as Error).message ?? error).slice(0, 500),
        finished_at: context.now(),
      })
      .where('id', '=', runId)
      .where('status', '=', 'RUNNING')
      .execute()
      .catch(() => {});
    throw error;
  }
}

/**
 * Claims and performs a run in one call.
 *
 * @example
 * const run = await runReconciliation(context, { trigger: 'MANUAL', slot: null, requestedBy: 'alice', checks: RECONCILIATION_CHECKS });
 */
export async function runReconciliation(
  context: TReconciliationContext,
  input: TStartRunInput,
): Promise<{ id: string; status: TReconciliationStatus } | null> {
  const claimed = await startReconciliationRun(context, input);
  if (!claimed) return null;
  const status = await executeReconciliationRun(context, claimed.id, input.checks, input.mode);
  return { id: claimed.id, status };
}

/** A JSON-safe copy of figures (bigint → decimal string). */
function jsonSafe(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? inner.toString() : inner)),
  );
}
