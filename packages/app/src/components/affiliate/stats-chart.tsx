import type { TAffiliateStats } from '@sge/shared';
import { useId } from 'react';
import { formatMicroUsd } from './money';

/** Drawing size of the chart in SVG units; it scales to the card's width. */
const CHART_WIDTH = 640;
const CHART_HEIGHT = 180;
const AXIS_LABEL_HEIGHT = 20;

/**
 * Commissions earned per day as an SVG bar chart, with the same numbers as a table for screen readers (the
 * SVG is described by its title and hidden from the accessibility tree; the table is the accessible form).
 */
export function StatsChart({ stats }: { stats: TAffiliateStats }) {
  const titleId = useId();
  const days = stats.days;
  const values = days.map((day) => BigInt(day.commissionsMicroUsd));
  // bigint: Math.max does not take them.
  let max = 0n;
  for (const value of values) if (value > max) max = value;
  const plotHeight = CHART_HEIGHT - AXIS_LABEL_HEIGHT;
  const slot = days.length === 0 ? CHART_WIDTH : CHART_WIDTH / days.length;
  const barWidth = Math.max(1, slot * 0.7);
  return (
    <figure className="stats-chart" data-testid="stats-chart">
      <svg
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        role="img"
        aria-labelledby={titleId}
        preserveAspectRatio="none"
        className="stats-chart__svg"
      >
        <title id={titleId}>
          Commissions per day from {stats.from} to {stats.to}:{' '}
          {formatMicroUsd(stats.totals.commissionsMicroUsd)} USD in total
        </title>
        <line x1={0} x2={CHART_WIDTH} y1={plotHeight} y2={plotHeight} className="stats-chart__axis" />
        {days.map((day, index) => {
          const value = values[index] ?? 0n;
          // Heights are proportions of the largest day: integer math first, then a small float for drawing.
          const height = max === 0n ? 0 : (Number((value * 1000n) / max) / 1000) * (plotHeight - 4);
          return (
            <rect
              key={day.day}
              x={index * slot + (slot - barWidth) / 2}
              y={plotHeight - height}
              width={barWidth}
              height={height}
              className="stats-chart__bar"
              data-day={day.day}
            />
          );
        })}
        <text x={0} y={CHART_HEIGHT - 4} className="stats-chart__label">
          {stats.from}
        </text>
        <text x={CHART_WIDTH} y={CHART_HEIGHT - 4} textAnchor="end" className="stats-chart__label">
          {stats.to}
        </text>
      </svg>
      <figcaption className="muted">
        {stats.totals.referrals} referrals, {stats.totals.commissionCount} commissions,{' '}
        <span data-testid="stats-total">{formatMicroUsd(stats.totals.commissionsMicroUsd)}</span> USD from{' '}
        {stats.from} to {stats.to}.
      </figcaption>
      <details>
        <summary>Show the numbers per day</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Referrals</th>
              <th scope="col">Commissions</th>
              <th scope="col">Amount (USD)</th>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((day) => day.referrals > 0 || day.commissionCount > 0)
              .map((day) => (
                <tr key={day.day}>
                  <td>{day.day}</td>
                  <td>{day.referrals}</td>
                  <td>{day.commissionCount}</td>
                  <td className="amount">{formatMicroUsd(day.commissionsMicroUsd)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
