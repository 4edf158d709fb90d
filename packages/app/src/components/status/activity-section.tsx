import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { fetchDailyStats } from '../../api/overview-client';
import { STATUS_REFRESH_INTERVAL_MS } from '../../limits';
import { StatusSection } from './status-section';

/** Days the /status chart shows (SPEC §7: the last 7 days). */
const STATUS_CHART_DAYS = 7;

/** recharts loads with this section, after the status page's first render: the first page's bundle is unchanged. */
const DailyActivityChart = lazy(() => import('./daily-activity-chart'));

/** Registrations and claims per UTC day over the last 7 days, from the public aggregate (GET /api/stats/daily). */
export function ActivitySection() {
  const stats = useQuery({
    queryKey: ['stats-daily', STATUS_CHART_DAYS],
    queryFn: ({ signal }) => fetchDailyStats(STATUS_CHART_DAYS, { signal }),
    refetchInterval: STATUS_REFRESH_INTERVAL_MS * 6,
  });
  const data = stats.data;
  const total = (figure: 'registrations' | 'claims') =>
    data?.days.reduce((sum, day) => sum + day[figure], 0) ?? 0;
  return (
    <StatusSection id="activity" title="Last 7 days" wide>
      {data === undefined ? (
        <p className="muted" role="status">
          {stats.isError ? 'Activity unavailable.' : 'Loading activity…'}
        </p>
      ) : (
        <>
          <p data-testid="activity-totals">
            {total('registrations')} registrations, {total('claims')} claims (UTC days {data.days[0]?.day} to{' '}
            {data.days.at(-1)?.day})
          </p>
          <Suspense fallback={<p className="muted">Loading chart…</p>}>
            <DailyActivityChart stats={data} />
          </Suspense>
        </>
      )}
    </StatusSection>
  );
}
