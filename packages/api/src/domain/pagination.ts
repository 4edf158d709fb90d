import { type RawBuilder, sql } from 'kysely';
import { AppError } from './app-error';

/**
 * Keyset pagination, newest first. A cursor is opaque to clients: base64url of `<createdAtMicros>.<id>`
 * (rows keyed by creation time and uuid) or of `<id>` (rows with a bigserial id). Exact at microsecond
 * precision, so no row is skipped or repeated between pages, however many rows share a millisecond.
 */
export type TPage<T> = { items: T[]; nextCursor: string | null };

/** Selects a row's creation time in microseconds since the epoch (exact), for its cursor. */
export function createdMicros(column = 'created_at'): RawBuilder<number> {
  return sql<number>`(extract(epoch from ${sql.ref(column)}) * 1000000)::int8`;
}

function invalidCursor(): AppError {
  return new AppError('VALIDATION_FAILED', 'querystring.cursor: not a cursor returned by this list', {
    details: { issues: [{ field: 'querystring.cursor', message: 'not a cursor returned by this list' }] },
  });
}

/** `WHERE (created_at, id) < cursor` for a page after `cursor` (no condition without one). */
export function afterCreatedCursor(
  cursor: string | undefined,
  columns: { createdAt: string; id: string } = { createdAt: 'created_at', id: 'id' },
): RawBuilder<boolean> {
  if (!cursor) return sql<boolean>`true`;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,18})\.([0-9a-f-]{36})$/.exec(decoded);
  if (!match) throw invalidCursor();
  return sql<boolean>`(${sql.ref(columns.createdAt)}, ${sql.ref(columns.id)}) <
    (timestamptz 'epoch' + ${match[1]}::int8 * interval '1 microsecond', ${match[2]}::uuid)`;
}

/** `WHERE id < cursor` for tables with a bigserial id. */
export function afterIdCursor(cursor: string | undefined, column = 'id'): RawBuilder<boolean> {
  if (!cursor) return sql<boolean>`true`;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,18}$/.test(decoded)) throw invalidCursor();
  return sql<boolean>`${sql.ref(column)} < ${decoded}::int8`;
}

/**
 * Cuts the `limit + 1` rows a query fetched into a page and the cursor of the next one.
 *
 * @example
 * const rows = await query.where(afterCreatedCursor(cursor)).orderBy('created_at', 'desc').orderBy('id', 'desc')
 *   .select(createdMicros().as('cursor_us')).limit(limit + 1).execute();
 * return toCreatedPage(rows, limit, toView);
 */
export function toCreatedPage<R extends { id: string; cursor_us: number }, T>(
  rows: R[],
  limit: number,
  view: (row: R) => T,
): TPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? Buffer.from(`${last.cursor_us}.${last.id}`).toString('base64url') : null;
  return { items: items.map(view), nextCursor };
}

export function toIdPage<R extends { id: number }, T>(
  rows: R[],
  limit: number,
  view: (row: R) => T,
): TPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null;
  return { items: items.map(view), nextCursor };
}
