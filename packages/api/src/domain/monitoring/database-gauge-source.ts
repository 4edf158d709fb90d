import { PROGRAMS_METRICS_MAX, type TDatabaseGaugeSource } from '../../metrics/db-gauges';
import type { TDbExecutor } from '../in-transaction';
import { readLedgerTotals } from '../ledger/read-ledger-totals';
import { readSponsorshipBudgets } from '../registration/sponsorship-budgets';
import { readOperationalFigures } from './read-operational-figures';
import { readRelayerFees } from './read-relayer-fees';

/**
 * The readers behind the scrape-time gauges (metrics/db-gauges.ts), on one database: the composition root
 * passes this to createMetrics.
 *
 * @example
 * createMetrics({ ..., database: databaseGaugeSource(database.db, { intentTimeoutMinutes: 10 }) });
 */
export function databaseGaugeSource(
  db: TDbExecutor,
  settings: { intentTimeoutMinutes: number; globalDailyGasBudgetWei?: bigint | null },
): TDatabaseGaugeSource {
  const globalDailyGasBudgetWei = settings.globalDailyGasBudgetWei ?? null;
  return {
    readLedgerTotals: () => readLedgerTotals(db, PROGRAMS_METRICS_MAX),
    readOperationalFigures: (now) =>
      readOperationalFigures(db, { intentTimeoutMinutes: settings.intentTimeoutMinutes, now }),
    readSponsorshipBudgets: () => readSponsorshipBudgets(db, globalDailyGasBudgetWei),
    readRelayerFees: () => readRelayerFees(db),
    globalDailyGasBudgetWei,
  };
}
