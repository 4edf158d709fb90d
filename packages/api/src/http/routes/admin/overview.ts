import {
  OVERVIEW_RANGE_DAYS,
  type TOverviewDay,
  type TRelayerRunway,
  ZOverview,
  ZOverviewQuery,
} from '@sge/shared';
import { readDailyRollups, sumOverviewDays } from '../../../domain/overview/read-daily-rollups';
import {
  checkRelayerFunds,
  countPendingRelayerTransactions,
} from '../../../domain/relayer/check-relayer-funds';
import type { TRuntime } from '../../../runtime';
import { adminOf, authGuards, programFilterOf, programNotFound } from '../../plugins/auth';
import type { TApp } from '../../server';

/**
 * The relayer's runway: its balance (from the fund check, `domain/relayer/check-relayer-funds.ts`) against
 * the gas every program spent per day over the range. The relayer pays for all programs, so the gas is the
 * all-programs figure whatever program the overview shows.
 */
async function relayerRunway(
  runtime: TRuntime,
  allPrograms: readonly TOverviewDay[],
): Promise<TRelayerRunway> {
  const { publicClient, relayer } = runtime.chain;
  const funds = await checkRelayerFunds({
    publicClient,
    chainId: runtime.chain.chainId,
    feeModel: runtime.chain.network.feeModel,
    relayerAddress: relayer.address,
    sgeIdAddress: runtime.contracts.sgeId,
    priorityFeeWei: runtime.config.relayer.priorityFeeWei,
    balanceWarningWei: runtime.config.chain.balanceWarningWei,
    balanceCriticalWei: runtime.config.chain.balanceCriticalWei,
    countPendingTransactions: () => countPendingRelayerTransactions(runtime.database.db, relayer.address),
  });
  const gasWei = allPrograms.reduce((sum, day) => sum + BigInt(day.gasSpentWei), 0n);
  const gasPerDayWei = gasWei / BigInt(allPrograms.length);
  return {
    balanceWei: funds.balanceWei.toString(),
    costPerMintWei: funds.costPerMintWei.toString(),
    mintsRemaining: funds.mintsRemaining.toString(),
    gasSpentPerDayWei: gasPerDayWei.toString(),
    // Tenths of a day, exact in bigint before the one division to a float.
    runwayDays: gasPerDayWei > 0n ? Number((funds.balanceWei * 10n) / gasPerDayWei) / 10 : null,
    warning: funds.warning,
    critical: funds.critical,
  };
}

/** GET /api/admin/overview: the dashboard's totals and per-day series from the daily rollups, and the relayer's runway. */
export function registerAdminOverviewRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/overview',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Registrations, claims, revenue, commissions, payouts, gas per UTC day over 24h/7d/30d (daily rollups), relayer runway',
        security: [{ adminKey: [] }],
        querystring: ZOverviewQuery,
        response: { 200: ZOverview },
      },
    },
    async (request) => {
      const { range } = request.query;
      const programId = programFilterOf(adminOf(request), request.query.programId);
      const db = runtime.readDatabase.db;
      if (programId !== null) {
        const program = await db
          .selectFrom('programs')
          .select('id')
          .where('id', '=', programId)
          .executeTakeFirst();
        if (!program) throw programNotFound(programId);
      }
      // The UTC days overlapping the range: today and the N days before it.
      const dayCount = OVERVIEW_RANGE_DAYS[range] + 1;
      const days = await readDailyRollups(db, { programId, days: dayCount });
      const allPrograms =
        programId === null ? days : await readDailyRollups(db, { programId: null, days: dayCount });
      let relayer: TRelayerRunway | null = null;
      let relayerError: string | null = null;
      try {
        relayer = await relayerRunway(runtime, allPrograms);
      } catch (error) {
        relayerError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      }
      return {
        programId,
        range,
        fromDay: days[0]!.day,
        toDay: days[days.length - 1]!.day,
        totals: sumOverviewDays(days),
        days,
        relayer,
        relayerError,
      };
    },
  );
}
