import { EXPORT_PAGE_ROWS } from '@sge/shared';
import type { TReadDb } from '../../db/read-db';
import { eachPage } from '../list-page';
import { listSettlements, type TAdminSettlement, type TSettlementsQuery } from './list-settlements';

/**
 * Every settlement of a filter, newest first, in pages of `pageRows` read by keyset (each page an index range
 * scan after the previous page's last row): an export of any size holds one page in memory and never sorts
 * the table. Rows written while the export runs appear only if they sort after the current page.
 *
 * @example
 * for await (const rows of exportSettlements(db, { programId: null, kind: 'CLAIM' })) write(rows);
 */
export function exportSettlements(
  db: TReadDb,
  filter: Omit<TSettlementsQuery, 'limit' | 'cursor'>,
  pageRows: number = EXPORT_PAGE_ROWS,
): AsyncGenerator<TAdminSettlement[], void, undefined> {
  return eachPage((cursor) => listSettlements(db, { ...filter, limit: pageRows, cursor }));
}
