import { RECONCILIATION_CHECKS } from '@sge/shared';
import { CronExpressionParser } from 'cron-parser';
import type { TReconciliationContext } from './check-context';
import { SCHEDULE_SLOT_GRACE_MS } from './reconciliation-limits';
import { executeReconciliationRun, startReconciliationRun } from './run-reconciliation';

/** The actor of scheduled runs in the run history. */
export const SCHEDULED_RUN_ACTOR = 'system:reconciliation';

/**
 * The schedule slot due at `now`: the latest time of the cron expression (UTC) at or before `now`, if it is
 * at most SCHEDULE_SLOT_GRACE_MS old; else null (nothing due: a slot missed for longer is not run late).
 *
 * @example
 * dueSlot('0 2 * * *', new Date('2026-12-03T02:00:20Z')) // 2026-12-03T02:00:00.000Z
 */
export function dueSlot(schedule: string, now: Date): Date | null {
  // prev() is strictly before currentDate: start one millisecond after now so a slot at exactly now counts.
  const expression = CronExpressionParser.parse(schedule, {
    tz: 'UTC',
    currentDate: new Date(now.getTime() + 1),
  });
  const slot = expression.prev().toDate();
  return now.getTime() - slot.getTime() <= SCHEDULE_SLOT_GRACE_MS ? slot : null;
}

/**
 * One tick of the schedule, in any number of processes at once: if a slot is due, claim it (the slot is
 * unique in reconciliation_runs, so exactly one process gets it) and perform every check. Returns the run
 * this process performed, or null (nothing due, another process has the slot, or a run is in progress — the
 * next tick tries again while the slot is within its grace period).
 */
export async function tickReconciliationSchedule(
  context: TReconciliationContext,
  schedule: string,
): Promise<{ runId: string; slot: Date } | null> {
  const slot = dueSlot(schedule, context.now());
  if (!slot) return null;
  const existing = await context.db
    .selectFrom('reconciliation_runs')
    .select('id')
    .where('slot', '=', slot)
    .executeTakeFirst();
  if (existing) return null;
  const claimed = await startReconciliationRun(context, {
    trigger: 'SCHEDULED',
    slot,
    requestedBy: SCHEDULED_RUN_ACTOR,
    checks: RECONCILIATION_CHECKS,
  });
  if (!claimed) return null;
  await executeReconciliationRun(context, claimed.id, RECONCILIATION_CHECKS);
  return { runId: claimed.id, slot };
}
