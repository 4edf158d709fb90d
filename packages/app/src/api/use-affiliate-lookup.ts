import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import { ApiError } from './api-error';
import type { TAffiliateLookup } from './client';

/**
 * What GET /api/affiliates/lookup said about a referral code: `found` with the affiliate's own spelling of
 * the code (codes are case-insensitive) and whether it is active, or `not-found` (404). Any other failure
 * is the query's error.
 */
export type TAffiliateLookupResult = { status: 'found'; lookup: TAffiliateLookup } | { status: 'not-found' };

/**
 * Looks up `code` (null: no lookup). The query is keyed by the upper-case code, since codes are
 * case-insensitive; the answer is kept for the page's life.
 *
 * @example const { data } = useAffiliateLookup('alpha'); // data?.status === 'found' && data.lookup.code === 'ALPHA'
 */
export function useAffiliateLookup(code: string | null) {
  return useQuery({
    queryKey: ['affiliate-lookup', code?.toUpperCase() ?? null],
    enabled: code !== null,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async ({ signal }): Promise<TAffiliateLookupResult> => {
      if (code === null) throw new Error('the lookup runs only with a code');
      try {
        return { status: 'found', lookup: await api.lookupAffiliate(code, { signal }) };
      } catch (error) {
        if (error instanceof ApiError && error.failure.kind === 'api' && error.failure.status === 404) {
          return { status: 'not-found' };
        }
        throw error;
      }
    },
  });
}
