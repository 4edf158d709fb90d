import { type RawBuilder, sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * How far a check has read (issue 22 §3): the (created_at, id) of the last row it checked, stored in
 * `reconciliation_watermarks` (0014) under the check's name as `{"createdAt": timestamptz text, "id": uuid}`.
 * `createdAt` is PostgreSQL's own text of the timestamp (`created_at::text`, microseconds and offset), so a
 * watermark compares exactly with the column (a JavaScript Date would cut it to milliseconds).
 */
export type TWatermark = { createdAt: string; id: string };

/** The check's watermark, or null before its first run (then everything is new). */
export async function readWatermark(db: TDbExecutor, checkName: string): Promise<TWatermark | null> {
  const row = await db
    .selectFrom('reconciliation_watermarks')
    .select('position')
    .where('check_name', '=', checkName)
    .executeTakeFirst();
  if (!row) return null;
  const position = (typeof row.position === 'string' ? JSON.parse(row.position) : row.position) as {
    createdAt?: string;
    id?: string;
  };
  if (typeof position.createdAt !== 'string' || typeof position.id !== 'string') return null;
  return { createdAt: position.createdAt, id: position.id };
}

/** Moves the check's watermark to `position` (written by run `runId`, or null outside a stored run). */
export async function writeWatermark(
  db: TDbExecutor,
  checkName: string,
  position: TWatermark,
  runId: string | null,
): Promise<void> {
  const value = JSON.stringify({ createdAt: position.createdAt, id: position.id });
  await db
    .insertInto('reconciliation_watermarks')
    .values({ check_name: checkName, position: value, run_id: runId, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('check_name').doUpdateSet({ position: value, run_id: runId, updated_at: new Date() }),
    )
    .execute();
}

/**
 * `(<alias>.created_at, <alias>.id) > watermark − windowMs` as SQL (TRUE without a watermark): the rows after
 * the watermark and, with a window, those recorded up to `windowMs` before it (read again).
 *
 * @example
 * sql`SELECT id FROM settlements s WHERE ${after('s', watermark, 0)} ORDER BY s.created_at, s.id`
 */
export function after(alias: string, watermark: TWatermark | null, windowMs: number): RawBuilder<boolean> {
  if (!watermark) return sql<boolean>`TRUE`;
  const createdAt = sql.ref(`${alias}.created_at`);
  const id = sql.ref(`${alias}.id`);
  if (windowMs === 0) {
    return sql<boolean>`(${createdAt}, ${id}) > (${watermark.createdAt}::timestamptz, ${watermark.id}::uuid)`;
  }
  return sql<boolean>`${createdAt} >= ${watermark.createdAt}::timestamptz - make_interval(secs => ${windowMs / 1000})`;
}
