import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Height of one chart in CSS pixels; its width follows the card. */
const CHART_HEIGHT_PX = 160;

export type TChartPoint = { day: string; value: number };

/**
 * One figure per UTC day as a bar chart (recharts). Loaded lazily with the charts that use it, so recharts
 * never reaches the first page's bundle. The numbers are in the table next to it too (the accessible form).
 */
export function FigureChart({
  id,
  title,
  points,
  format,
}: {
  id: string;
  title: string;
  points: readonly TChartPoint[];
  format: (value: number) => string;
}) {
  return (
    <div className="figure-chart" data-testid={`chart-${id}`} aria-hidden="true">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT_PX}>
        <BarChart data={[...points]} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} title={title}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={11} />
          <YAxis width={48} fontSize={11} allowDecimals={false} tickFormatter={format} />
          <Tooltip formatter={(value) => format(Number(value))} />
          <Bar dataKey="value" name={title} fill="var(--accent, #2563eb)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
