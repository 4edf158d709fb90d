/**
 * The overview's figures and how they are shown; no chart library here, so pages can import it without
 * pulling recharts into their bundle.
 */
import type { TOverviewDay } from '@sge/shared';
import { formatMicroUsd } from '../affiliate/money';

export type TNumericFigure = Exclude<keyof TOverviewDay, 'day'>;

/** The dashboard's charts: figure, label, unit. Amounts are converted to floats for drawing only. */
export const OVERVIEW_CHARTS: readonly {
  figure: TNumericFigure;
  label: string;
  unit: 'count' | 'usd' | 'eth';
}[] = [
  { figure: 'registrations', label: 'Registrations', unit: 'count' },
  { figure: 'claims', label: 'Claims', unit: 'count' },
  { figure: 'revenueMicroUsd', label: 'Revenue (USD)', unit: 'usd' },
  { figure: 'commissionsAccruedMicroUsd', label: 'Commissions accrued (USD)', unit: 'usd' },
  { figure: 'commissionsPayableMicroUsd', label: 'Commissions payable, net change (USD)', unit: 'usd' },
  { figure: 'commissionsPaidMicroUsd', label: 'Commissions paid (USD)', unit: 'usd' },
  { figure: 'payoutsMicroUsd', label: 'Payouts (USD)', unit: 'usd' },
  { figure: 'gasSpentWei', label: 'Gas spent (ETH)', unit: 'eth' },
];

export const WEI_PER_ETH = 1e18;
const MICRO_PER_USD = 1e6;

export function pointValue(raw: number | string, unit: 'count' | 'usd' | 'eth'): number {
  if (unit === 'count') return Number(raw);
  return Number(raw) / (unit === 'usd' ? MICRO_PER_USD : WEI_PER_ETH);
}

export function formatAxis(unit: 'count' | 'usd' | 'eth') {
  return (value: number) =>
    unit === 'count' ? String(value) : unit === 'usd' ? value.toFixed(2) : value.toPrecision(3);
}

/** Formats a figure's exact value (bigint strings stay exact). */
export function formatFigure(raw: number | string, unit: 'count' | 'usd' | 'eth'): string {
  if (unit === 'count') return String(raw);
  if (unit === 'usd') return `${formatMicroUsd(String(raw))} USD`;
  const wei = BigInt(raw);
  return `${(wei / 10n ** 9n).toString()} gwei`;
}
