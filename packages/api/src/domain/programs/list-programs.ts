import type { Selectable } from 'kysely';
import type { ProgramsTable } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';
import { afterCreatedCursor, createdMicros, toCreatedPage } from '../pagination';

/**
 * One page of programs, newest first (GET /api/admin/programs); `scope` (a program key's program) limits it
 * to that program, null lists every program.
 */
export async function listPrograms<T>(
  db: TDbExecutor,
  input: { scope: string | null; cursor?: string; limit: number },
  view: (row: Selectable<ProgramsTable>) => T,
) {
  let select = db.selectFrom('programs').selectAll().select(createdMicros().as('cursor_us'));
  if (input.scope) select = select.where('id', '=', input.scope);
  const rows = await select
    .where(afterCreatedCursor(input.cursor))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toCreatedPage(rows, input.limit, view);
}
