import { OVERVIEW_RANGES, type TOverview, type TOverviewRange } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from '../../components/admin/admin-context';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { formatFigure, OVERVIEW_CHARTS } from '../../components/overview/overview-figures';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';

/** recharts loads with the charts, when this page first shows them. */
const OverviewCharts = lazy(() => import('../../components/overview/overview-charts'));

function RelayerRunway({ overview }: { overview: TOverview }) {
  const relayer = overview.relayer;
  if (relayer === null) return <p className="muted">Relayer runway unknown: {overview.relayerError}</p>;
  const balanceEth = Number(BigInt(relayer.balanceWei) / 10n ** 12n) / 1e6;
  return (
    <p data-testid="relayer-runway" className={relayer.critical || relayer.warning ? 'amount--warning' : ''}>
      Relayer: {balanceEth} ETH, about {relayer.mintsRemaining} more SGE-IDs at today's fees
      {relayer.runwayDays === null ? '' : `, ${relayer.runwayDays} days at this range's gas per day`}.
    </p>
  );
}

/** /admin/overview: the program's (or every program's) figures per UTC day over 24 h / 7 d / 30 d. */
export function OverviewPage() {
  const { programId } = useAdmin();
  const [range, setRange] = useState<TOverviewRange>('7d');
  const overview = useQuery({
    queryKey: ['admin', 'overview', programId, range],
    queryFn: ({ signal }) => adminClient.overview({ programId, range }, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const data = overview.data;
  return (
    <section aria-labelledby="overview-heading">
      <h2 id="overview-heading">Overview</h2>
      <fieldset className="range-select">
        <legend>Range</legend>
        {OVERVIEW_RANGES.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="overview-range"
              value={option}
              checked={range === option}
              onChange={() => setRange(option)}
            />{' '}
            {option}
          </label>
        ))}
      </fieldset>
      {overview.error && <ApiErrorAlert error={overview.error} lastGoodAtMs={null} retryNote="" />}
      {data === undefined ? (
        <p className="muted" role="status">
          Loading overview…
        </p>
      ) : (
        <>
          <p className="muted">
            UTC days {data.fromDay} to {data.toDay}
          </p>
          <dl className="overview-totals" data-testid="overview-totals">
            {OVERVIEW_CHARTS.map(({ figure, label, unit }) => (
              <div key={figure} data-testid={`total-${figure}`}>
                <dt>{label}</dt>
                <dd className="mono">{formatFigure(data.totals[figure], unit)}</dd>
              </div>
            ))}
          </dl>
          <RelayerRunway overview={data} />
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <OverviewCharts days={data.days} />
          </Suspense>
        </>
      )}
    </section>
  );
}
