import type {
  TReconciliationCheckResult,
  TReconciliationRun,
  TReconciliationRunSummary,
  TReconciliationStatus,
} from '@sge/shared';
import type { Selectable } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import type { ReconciliationRunsTable } from '../../db/schema';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';

type TRunRow = Selectable<ReconciliationRunsTable>;

function checksOf(row: TRunRow): TReconciliationCheckResult[] {
  const value = typeof row.checks === 'string' ? JSON.parse(row.checks) : row.checks;
  return Array.isArray(value) ? (value as TReconciliationCheckResult[]) : [];
}

function progressOf(row: TRunRow): TReconciliationRunSummary['progress'] {
  const value = typeof row.progress === 'string' ? JSON.parse(row.progress) : row.progress;
  if (!value || typeof value !== 'object') return null;
  const { check, checked, total } = value as Record<string, unknown>;
  return {
    check: String(check ?? ''),
    checked: typeof checked === 'number' ? checked : 0,
    total: typeof total === 'number' ? total : null,
  };
}

function toSummary(row: TRunRow, checks: TReconciliationCheckResult[]): TReconciliationRunSummary {
  return {
    id: row.id,
    trigger: row.trigger,
    slot: row.slot ? new Date(row.slot).toISOString() : null,
    status: row.status,
    requestedBy: row.requested_by,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    error: row.error,
    checkStatuses: Object.fromEntries(checks.map((check) => [check.name, check.status])) as Record<
      string,
      TReconciliationStatus
    >,
    findingCount: row.finding_count,
    mode: row.mode,
    progress: progressOf(row),
    pickedBy: row.picked_by,
  };
}

/** A run with every check's results (as stored). */
export function toReconciliationRun(row: TRunRow): TReconciliationRun {
  const checks = checksOf(row);
  return { ...toSummary(row, checks), checks };
}

/** Runs, newest first, `limit` per page; `before` is the id of the last run of the previous page. */
export async function listReconciliationRuns(
  db: TReadDb,
  input: { limit: number; before?: string },
): Promise<{ items: TReconciliationRunSummary[]; nextBefore: string | null }> {
  let query = db.selectFrom('reconciliation_runs').selectAll();
  if (input.before) {
    const anchor = await db
      .selectFrom('reconciliation_runs')
      .select(['started_at', 'id'])
      .where('id', '=', input.before)
      .executeTakeFirst();
    if (!anchor) throw new AppError('NOT_FOUND', `reconciliation run ${input.before} not found`);
    query = query.where((eb) =>
      eb.or([
        eb('started_at', '<', anchor.started_at),
        eb.and([eb('started_at', '=', anchor.started_at), eb('id', '<', anchor.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((row) => toSummary(row, checksOf(row))),
    nextBefore: rows.length > input.limit ? page[page.length - 1]!.id : null,
  };
}

/** One run with its results. @throws AppError NOT_FOUND */
export async function getReconciliationRun(db: TReadDb, runId: string): Promise<TReconciliationRun> {
  const row = await db
    .selectFrom('reconciliation_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `reconciliation run ${runId} not found`);
  return toReconciliationRun(row);
}

/**
 * The newest run (`finished: true`: the newest finished one), or null when there is none.
 */
export async function getLatestReconciliationRun(
  db: TDbExecutor,
  options: { finished?: boolean } = {},
): Promise<TReconciliationRun | null> {
  let query = db.selectFrom('reconciliation_runs').selectAll();
  if (options.finished) query = query.where('status', '<>', 'RUNNING');
  const row = await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toReconciliationRun(row) : null;
}
