import type { TOverviewDay } from '@sge/shared';
import { FigureChart } from './figure-chart';
import { formatAxis, OVERVIEW_CHARTS, pointValue } from './overview-figures';

/** Every chart of the dashboard for the days given; default export for React.lazy. */
export default function OverviewCharts({ days }: { days: readonly TOverviewDay[] }) {
  return (
    <div className="overview-charts">
      {OVERVIEW_CHARTS.map(({ figure, label, unit }) => (
        <section key={figure} className="card" aria-label={label}>
          <h3>{label}</h3>
          <FigureChart
            id={figure}
            title={label}
            points={days.map((day) => ({ day: day.day, value: pointValue(day[figure], unit) }))}
            format={formatAxis(unit)}
          />
        </section>
      ))}
    </div>
  );
}
