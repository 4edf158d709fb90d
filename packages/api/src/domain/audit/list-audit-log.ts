import type { ZAuditLogEntry } from '@sge/shared';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import { afterIdCursor, type TPage, toIdPage } from '../pagination';

export type TAuditLogEntry = z.infer<typeof ZAuditLogEntry>;

/** Audit log entries, newest first, filtered by program, actor, action, subject and time. */
export async function listAuditLog(
  db: TReadDb,
  query: {
    programId: string | null;
    actor?: string | undefined;
    action?: string | undefined;
    subjectType?: string | undefined;
    subjectId?: string | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TAuditLogEntry>> {
  let select = db.selectFrom('audit_log').selectAll();
  if (query.programId) select = select.where('program_id', '=', query.programId);
  if (query.actor) select = select.where('actor', '=', query.actor);
  if (query.action) select = select.where('action', '=', query.action);
  if (query.subjectType) select = select.where('subject_type', '=', query.subjectType);
  if (query.subjectId) select = select.where('subject_id', '=', query.subjectId);
  if (query.from) select = select.where('at', '>=', query.from);
  if (query.to) select = select.where('at', '<', query.to);
  const rows = await select
    .where(afterIdCursor(query.cursor))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toIdPage(rows, query.limit, (row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    programId: row.program_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
  }));
}
