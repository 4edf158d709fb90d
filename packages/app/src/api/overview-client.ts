import { type TDailyStats, ZDailyStats } from '@sge/shared';
import { api } from './api';
import type { TRequestOptions } from './client';

/** GET /api/stats/daily: public registrations and claims per UTC day (counts only). */
export async function fetchDailyStats(days: number, init: TRequestOptions = {}): Promise<TDailyStats> {
  return await api.send('GET', `/api/stats/daily?days=${days}`, ZDailyStats, init);
}
