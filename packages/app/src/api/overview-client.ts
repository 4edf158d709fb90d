import { type TDailyStats, type TOverview, type TOverviewRange, ZDailyStats, ZOverview } from '@sge/shared';
import { adminPath } from '../pages/admin/admin-operations';
import { ADMIN_KEY_HEADER, readAdminKey } from './admin-client';
import { api } from './api';
import type { TRequestOptions } from './client';

/** GET /api/admin/overview: the dashboard's figures per UTC day (daily rollups) and the relayer's runway. */
export async function fetchOverview(
  filter: { programId: string | null; range: TOverviewRange },
  init: TRequestOptions = {},
): Promise<TOverview> {
  const params = new URLSearchParams({ range: filter.range });
  if (filter.programId !== null) params.set('programId', filter.programId);
  const key = readAdminKey();
  return await api.send('GET', `${adminPath('GET /api/admin/overview')}?${params}`, ZOverview, {
    ...init,
    headers: key === null ? {} : { [ADMIN_KEY_HEADER]: key },
  });
}

/** GET /api/stats/daily: public registrations and claims per UTC day (counts only). */
export async function fetchDailyStats(days: number, init: TRequestOptions = {}): Promise<TDailyStats> {
  return await api.send('GET', `/api/stats/daily?days=${days}`, ZDailyStats, init);
}
