import { z } from 'zod';
import { ZUnsignedAmountString } from './pagination';
import { ZAmountString } from './status';

/**
 * The overview dashboard (issue 21): the program's figures per UTC day, read from daily rollups
 * (migration 0022), so a request costs the same after ten years as after ten days.
 */
export const OVERVIEW_RANGES = ['24h', '7d', '30d'] as const;
export const ZOverviewRange = z.enum(OVERVIEW_RANGES, { error: 'one of 24h, 7d, 30d' });
export type TOverviewRange = z.infer<typeof ZOverviewRange>;

/** Days a range reaches back from now: the UTC days overlapping the last 24 h / 7 d / 30 d (2, 8, 31 rows). */
export const OVERVIEW_RANGE_DAYS: Record<TOverviewRange, number> = { '24h': 1, '7d': 7, '30d': 30 };

/** Days the public aggregate may show (GET /api/stats/daily?days=). */
export const PUBLIC_STATS_DAYS_MAX = 30;

export const ZOverviewQuery = z.object({
  /** One program; omitted: every program (a program key sees only its own). */
  programId: z.uuid('a program id (UUID)').optional(),
  range: ZOverviewRange.default('7d'),
});
export type TOverviewQuery = z.infer<typeof ZOverviewQuery>;

/**
 * One day's figures (or the range's totals). Amounts are decimal strings in the smallest unit: USD units of
 * 6 decimals (micro-USD), SGE and ETH in wei. Commission payable / paid / cancelled are the day's net change
 * of the amount in that status (+ entering, − leaving), so they may be negative.
 */
export const ZOverviewFigures = z.object({
  registrations: z.number().int(),
  claims: z.number().int(),
  claimFeesMicroUsd: ZAmountString,
  sgeClaimedWei: ZAmountString,
  revenueMicroUsd: ZAmountString,
  refundsMicroUsd: ZAmountString,
  commissionsAccruedMicroUsd: ZAmountString,
  commissionsPayableMicroUsd: ZAmountString,
  commissionsPaidMicroUsd: ZAmountString,
  commissionsCancelledMicroUsd: ZAmountString,
  payouts: z.number().int(),
  payoutsMicroUsd: ZAmountString,
  gasSpentWei: ZAmountString,
});
export type TOverviewFigures = z.infer<typeof ZOverviewFigures>;

export const ZOverviewDay = ZOverviewFigures.extend({ day: z.iso.date() });
export type TOverviewDay = z.infer<typeof ZOverviewDay>;

/** The relayer's runway: its balance against the gas the range spent per day and the fund check's cost per mint. */
export const ZRelayerRunway = z.object({
  balanceWei: ZUnsignedAmountString,
  costPerMintWei: ZUnsignedAmountString,
  mintsRemaining: ZUnsignedAmountString,
  /** Average gas per day over the range (every program: the relayer pays for all). */
  gasSpentPerDayWei: ZUnsignedAmountString,
  /** balance ÷ gas per day, one decimal; null when the range spent no gas. */
  runwayDays: z.number().nullable(),
  warning: z.boolean(),
  critical: z.boolean(),
});
export type TRelayerRunway = z.infer<typeof ZRelayerRunway>;

export const ZOverview = z.object({
  programId: z.string().nullable(),
  range: ZOverviewRange,
  fromDay: z.iso.date(),
  toDay: z.iso.date(),
  totals: ZOverviewFigures,
  /** Every day of the range, oldest first, zeros included. */
  days: z.array(ZOverviewDay),
  /** null when the chain did not answer the fund check (relayerError says why). */
  relayer: ZRelayerRunway.nullable(),
  relayerError: z.string().nullable(),
});
export type TOverview = z.infer<typeof ZOverview>;

/** GET /api/stats/daily: public, counts only (both are public on-chain: mints and Claimed events). */
export const ZDailyStatsQuery = z.object({
  days: z.coerce
    .number({ error: 'a whole number of days' })
    .int('a whole number of days')
    .min(1, 'at least 1 day')
    .max(PUBLIC_STATS_DAYS_MAX, `at most ${PUBLIC_STATS_DAYS_MAX} days`)
    .default(7),
});
export const ZDailyStats = z.object({
  days: z.array(z.object({ day: z.iso.date(), registrations: z.number().int(), claims: z.number().int() })),
  updatedAt: z.string(),
});
export type TDailyStats = z.infer<typeof ZDailyStats>;
