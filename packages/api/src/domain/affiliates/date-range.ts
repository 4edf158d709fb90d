import { AppError } from '../app-error';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days a date range covers when the client names none. */
export const DATE_RANGE_DAYS_DEFAULT = 30;

export type TDateRange = { from: string; to: string; startAt: Date; endBefore: Date; days: number };

/**
 * A range of whole UTC days from the query (`from`, `to` inclusive, YYYY-MM-DD), defaulting to the
 * DATE_RANGE_DAYS_DEFAULT days up to today, at most `daysMax` long.
 *
 * @throws AppError VALIDATION_FAILED naming the field when the range is reversed or too long.
 */
export function resolveDateRange(
  query: { from?: string | undefined; to?: string | undefined },
  daysMax: number,
  now = new Date(),
): TDateRange {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const endBefore = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  const from =
    query.from ?? new Date(endBefore.getTime() - DATE_RANGE_DAYS_DEFAULT * DAY_MS).toISOString().slice(0, 10);
  const startAt = new Date(`${from}T00:00:00Z`);
  const days = Math.round((endBefore.getTime() - startAt.getTime()) / DAY_MS);
  if (days < 1) {
    throw new AppError('VALIDATION_FAILED', 'querystring.from: must not be after to', {
      details: { field: 'querystring.from' },
    });
  }
  if (days > daysMax) {
    throw new AppError(
      'VALIDATION_FAILED',
      `querystring.from: the range is ${days} days; at most ${daysMax}`,
      {
        details: { field: 'querystring.from' },
      },
    );
  }
  return { from, to, startAt, endBefore, days };
}
