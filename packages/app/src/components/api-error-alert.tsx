import { describeApiError } from '../api/api-error';
import { formatClockTime } from '../lib/format';

/**
 * An API failure, in words. With `lastGoodAtMs` it also says that the page still shows the data from that
 * time, so that an operator never mistakes old numbers for live ones.
 */
export function ApiErrorAlert({
  error,
  lastGoodAtMs,
  retryNote,
}: {
  error: unknown;
  /** When the data still on screen was fetched; null when there is none. */
  lastGoodAtMs: number | null;
  /** How the page will try again, e.g. "Retrying every 5 s." */
  retryNote: string;
}) {
  const { summary, detail } = describeApiError(error);
  return (
    <div className="notice notice--critical" role="alert" data-testid="api-error">
      <p className="notice__title">{summary}</p>
      <p>
        {lastGoodAtMs === null
          ? 'No data yet.'
          : `Showing the last data received at ${formatClockTime(new Date(lastGoodAtMs))}.`}{' '}
        {retryNote}
      </p>
      <p className="notice__detail">{detail}</p>
    </div>
  );
}
