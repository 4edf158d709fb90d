import { formatAge, formatClockTime } from '../../lib/format';
import { STATUS_REFRESH_INTERVAL_MS } from '../../limits';

/**
 * When the data on the page was last refreshed, whether it is stale, and a button to refresh now.
 * Not a live region: announcing the time every five seconds would drown a screen reader.
 */
export function RefreshBar({
  lastRefreshedAtMs,
  nowMs,
  stale,
  refreshing,
  onRefresh,
}: {
  /** 0 when nothing has loaded yet. */
  lastRefreshedAtMs: number;
  nowMs: number;
  stale: boolean;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const refreshedAt = new Date(lastRefreshedAtMs);
  return (
    <div className="refresh-bar">
      <p className="refresh-bar__text" data-testid="last-refreshed">
        {lastRefreshedAtMs === 0 ? (
          'Not loaded yet'
        ) : (
          <>
            Last refreshed <time dateTime={refreshedAt.toISOString()}>{formatClockTime(refreshedAt)}</time> (
            {formatAge(nowMs - lastRefreshedAtMs)})
          </>
        )}
        {stale && (
          <>
            {' '}
            <span className="badge badge--warn">Stale</span>
          </>
        )}
        <span className="refresh-bar__interval"> Refreshes every {STATUS_REFRESH_INTERVAL_MS / 1000} s.</span>
      </p>
      <button type="button" className="button" onClick={onRefresh} disabled={refreshing}>
        {refreshing ? 'Refreshing…' : 'Refresh now'}
      </button>
    </div>
  );
}
