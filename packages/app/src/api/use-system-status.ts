import type { TSystemStatus } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { STATUS_REFRESH_INTERVAL_MS } from '../limits';
import { api } from './api';

export const SYSTEM_STATUS_QUERY_KEY = ['system-status'] as const;

/**
 * The platform's status, refreshed every STATUS_REFRESH_INTERVAL_MS while the page is visible (and at once
 * when it becomes visible again). A failed refresh keeps the last good snapshot in `data` and sets `error`,
 * so the page can show both. Failures are not retried early: the next scheduled refresh is the retry.
 */
export function useSystemStatus() {
  return useQuery<TSystemStatus, Error>({
    queryKey: SYSTEM_STATUS_QUERY_KEY,
    queryFn: ({ signal }) => api.getSystemStatus({ signal }),
    refetchInterval: STATUS_REFRESH_INTERVAL_MS,
    refetchOnWindowFocus: 'always',
    retry: false,
    staleTime: 0,
  });
}
