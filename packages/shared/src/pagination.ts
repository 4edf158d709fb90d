import { z } from 'zod';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './limits';

/** `?limit=&cursor=`: a page of at most PAGE_SIZE_MAX rows, continued from an opaque cursor. */
export const ZPageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_SIZE_MAX, `at most ${PAGE_SIZE_MAX} rows per page`)
    .default(PAGE_SIZE_DEFAULT),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'a cursor returned by the previous page')
    .optional(),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

/** A page of items and the cursor of the next page (null on the last page). */
export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A non-negative integer amount in the smallest unit, as a decimal string (JSON has no bigint). */
export const ZUnsignedAmountString = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, 'a non-negative integer in the smallest unit, as a string');

/** An ISO 8601 timestamp with a time zone, e.g. 2025-01-31T12:00:00Z. */
export const ZTimestamp = z.iso.datetime({ offset: true });

/** A calendar day, YYYY-MM-DD (UTC). */
export const ZDay = z.iso.date();

/** `?format=csv` for exports; JSON otherwise. */
export const ZExportFormat = z.enum(['json', 'csv']).default('json');
