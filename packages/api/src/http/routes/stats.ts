import { type TDailyStats, ZDailyStats, ZDailyStatsQuery } from '@sge/shared';
import { readDailyRollups } from '../../domain/overview/read-daily-rollups';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/**
 * An answer is reused this long per `days`: anonymous clients polling /status cost the database one rollup read
 * per process every few seconds, however many they are (the global per-IP rate limit applies as well).
 */
export const DAILY_STATS_CACHE_MS = 5_000;

/**
 * GET /api/stats/daily?days=7: registrations and claims per UTC day, every program together. Counts only, both
 * already public on-chain (SGE-ID mints, Claimed events); no amount, no program, no wallet
 * (docs/threat-model.md).
 */
export function registerStatsRoutes(app: TApp, runtime: TRuntime) {
  const cache = new Map<number, { at: number; stats: Promise<TDailyStats> }>();
  app.get(
    '/api/stats/daily',
    {
      schema: {
        tags: ['public'],
        summary: 'Registrations and claims per UTC day over the last `days` days (all programs; counts only)',
        querystring: ZDailyStatsQuery,
        response: { 200: ZDailyStats },
      },
    },
    async (request) => {
      const { days } = request.query;
      const cached = cache.get(days);
      if (cached && performance.now() - cached.at < DAILY_STATS_CACHE_MS) return await cached.stats;
      const stats = readDailyRollups(runtime.readDatabase.db, { programId: null, days }).then((rows) => ({
        days: rows.map(({ day, registrations, claims }) => ({ day, registrations, claims })),
        updatedAt: new Date().toISOString(),
      }));
      cache.set(days, { at: performance.now(), stats });
      stats.catch(() => cache.delete(days));
      return await stats;
    },
  );
}
