import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from './pagination';

/**
 * One page of an admin list, newest first: the rows of `select` that pass `filters`, ordered by
 * `(created_at, id)` descending, after the keyset `cursor`, `limit` of them. The list's table carries an
 * index on `(filter column, created_at, id)` for each filter and on `(created_at, id)` (migration 0012), so a
 * page reads `limit + 1` index entries however deep the cursor is and however large the table: no OFFSET, no
 * sort, no count.
 *
 * `filters` maps a column (qualified with the list's alias where the query joins) to the value it must equal;
 * an undefined or null value applies no filter. `where` adds conditions that are not plain equalities.
 *
 * @example
 * return await listNewestFirst(db.selectFrom('users').selectAll(), {
 *   filters: { program_id: query.programId, wallet: query.wallet },
 *   limit: query.limit, cursor: query.cursor, view: toAdminUser,
 * });
 */
export async function listNewestFirst<DB, TB extends keyof DB, O extends { id: string }, T>(
  select: SelectQueryBuilder<DB, TB, O>,
  options: {
    /** The list's table alias when the query joins (`s` for `settlements as s`). */
    alias?: string;
    filters: Record<string, string | number | boolean | null | undefined>;
    where?: readonly RawBuilder<boolean>[];
    limit: number;
    cursor?: string | undefined;
    view: (row: O) => T;
  },
): Promise<TPage<T>> {
  const column = (name: string) => (options.alias ? `${options.alias}.${name}` : name);
  const createdAt = column('created_at');
  const id = column('id');
  let query = select;
  for (const [name, value] of Object.entries(options.filters)) {
    if (value !== undefined && value !== null) query = query.where(sql<boolean>`${sql.ref(name)} = ${value}`);
  }
  for (const condition of options.where ?? []) query = query.where(condition);
  const rows = (await query
    .where(afterCreatedCursor(options.cursor, { createdAt, id }))
    .select(createdMicros(createdAt).as('cursor_us'))
    .orderBy(sql`${sql.ref(createdAt)} desc`)
    .orderBy(sql`${sql.ref(id)} desc`)
    .limit(options.limit + 1)
    .execute()) as (O & { cursor_us: number })[];
  return toCreatedPage(rows, options.limit, options.view);
}

/**
 * Every row of a list, page after page (keyset reads of `read`), for exports that stream: memory holds one
 * page whatever the number of rows.
 *
 * @example
 * for await (const rows of eachPage((cursor) => listSettlements(db, { ...filter, limit: 1000, cursor }))) …
 */
export async function* eachPage<T>(
  read: (cursor: string | undefined) => Promise<TPage<T>>,
): AsyncGenerator<T[], void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
