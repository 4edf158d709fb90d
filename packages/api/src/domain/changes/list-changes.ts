import type { TChange, TChangeKind, TChangeStatus } from '@sge/shared';
import type { TDbExecutor } from '../in-transaction';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';
import { toChangeView } from './change-view';

/** Marks every PENDING change past its expiry EXPIRED (lists and approvals see the truth). */
export async function expirePendingChanges(db: TDbExecutor, now: Date = new Date()): Promise<number> {
  const result = await db
    .updateTable('change_requests')
    .set({ status: 'EXPIRED', decided_at: now })
    .where('status', '=', 'PENDING')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Changes, newest first, filtered by status, kind and program (null: every program), in pages.
 *
 * @example
 * await listChanges(db, { status: 'PENDING', kind: undefined, programId: null, limit: 50 });
 */
export async function listChanges(
  db: TDbExecutor,
  query: {
    status?: TChangeStatus;
    kind?: TChangeKind;
    programId: string | null;
    limit: number;
    cursor?: string;
  },
  now: Date = new Date(),
): Promise<TPage<TChange>> {
  await expirePendingChanges(db, now);
  let select = db
    .selectFrom('change_requests')
    .selectAll()
    .select(createdMicros('proposed_at').as('cursor_us'))
    .where(afterCreatedCursor(query.cursor, { createdAt: 'proposed_at', id: 'id' }));
  if (query.status) select = select.where('status', '=', query.status);
  if (query.kind) select = select.where('kind', '=', query.kind);
  if (query.programId) select = select.where('program_id', '=', query.programId);
  const rows = await select
    .orderBy('proposed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, toChangeView);
}

/** One change by id, or null. */
export async function getChange(db: TDbExecutor, changeId: string): Promise<TChange | null> {
  const row = await db
    .selectFrom('change_requests')
    .selectAll()
    .where('id', '=', changeId)
    .executeTakeFirst();
  return row ? toChangeView(row) : null;
}
