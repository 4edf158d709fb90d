import {
  type TReconciliationLive,
  type TReconciliationRun,
  type TReconciliationRunSummary,
  ZAdminIntent,
  ZReconciliationLive,
  ZReconciliationRun,
  ZReconciliationRunSummary,
  ZReconciliationRuns,
} from '@sge/shared';
import { ADMIN_KEY_HEADER, readAdminKey } from '../../api/admin-client';
import { api } from '../../api/api';
import { ApiError } from '../../api/api-error';
import type { TApiClient, TRequestOptions } from '../../api/client';
import { adminPath } from '../../pages/admin/admin-operations';

/** The reconciliation page refreshes itself this often (SPEC §7: auto-refresh every 30 s). */
export const RECONCILIATION_REFRESH_INTERVAL_MS = 30_000;

/**
 * The reconciliation admin endpoints, with the admin key the /admin pages keep in sessionStorage
 * (api/admin-client.ts) sent on every call.
 */
export function createReconciliationClient(client: TApiClient, key: () => string | null) {
  const headers = (): Record<string, string> => {
    const value = key();
    return value === null ? {} : { [ADMIN_KEY_HEADER]: value };
  };
  return {
    live: (init?: TRequestOptions): Promise<TReconciliationLive> =>
      client.send('GET', adminPath('GET /api/admin/reconciliation/live'), ZReconciliationLive, {
        ...init,
        headers: headers(),
      }),
    /** The newest run, or null before the first one (the API answers 404). */
    latest: async (init?: TRequestOptions): Promise<TReconciliationRun | null> => {
      try {
        return await client.send(
          'GET',
          adminPath('GET /api/admin/reconciliation/latest'),
          ZReconciliationRun,
          {
            ...init,
            headers: headers(),
          },
        );
      } catch (error) {
        if (error instanceof ApiError && error.failure.kind === 'api' && error.failure.status === 404)
          return null;
        throw error;
      }
    },
    runs: (init?: TRequestOptions): Promise<{ items: TReconciliationRunSummary[] }> =>
      client.send('GET', `${adminPath('GET /api/admin/reconciliation/runs')}?limit=10`, ZReconciliationRuns, {
        ...init,
        headers: headers(),
      }),
    runNow: (): Promise<TReconciliationRunSummary> =>
      client.send('POST', adminPath('POST /api/admin/reconciliation/run'), ZReconciliationRunSummary, {
        body: {},
        headers: headers(),
      }),
    /** Re-checks all history (admin action; the workers perform it, the run shows its progress). */
    fullRecheck: (): Promise<TReconciliationRunSummary> =>
      client.send('POST', adminPath('POST /api/admin/reconciliation/full'), ZReconciliationRunSummary, {
        body: {},
        headers: headers(),
      }),
    /** One run with every check's results (a row of the history). */
    run: (runId: string, init?: TRequestOptions): Promise<TReconciliationRun> =>
      client.send(
        'GET',
        adminPath('GET /api/admin/reconciliation/runs/:id', { id: runId }),
        ZReconciliationRun,
        {
          ...init,
          headers: headers(),
        },
      ),
    /** Puts a stuck PROCESSING intent back to PENDING (the finding's action names the intent). */
    retryStuckIntent: (intentId: string, reason: string) =>
      client.send(
        'POST',
        adminPath('POST /api/admin/reconciliation/stuck-intents/:id/retry', { id: intentId }),
        ZAdminIntent,
        { body: { reason }, headers: headers() },
      ),
  };
}

export const reconciliationClient = createReconciliationClient(api, readAdminKey);
