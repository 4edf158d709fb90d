import type { TDailyStats } from '@sge/shared';
import { FigureChart } from '../overview/figure-chart';

/** The 7-day registrations and claims charts of /status; default export for React.lazy (recharts). */
export default function DailyActivityChart({ stats }: { stats: TDailyStats }) {
  return (
    <>
      <h3>Registrations per day</h3>
      <FigureChart
        id="status-registrations"
        title="Registrations per day"
        points={stats.days.map((day) => ({ day: day.day, value: day.registrations }))}
        format={String}
      />
      <h3>Claims per day</h3>
      <FigureChart
        id="status-claims"
        title="Claims per day"
        points={stats.days.map((day) => ({ day: day.day, value: day.claims }))}
        format={String}
      />
    </>
  );
}
