import {
  type TAdminMe,
  type TChange,
  type TCommission,
  type TCreateProgramRequest,
  type TFundCheck,
  type TLedgerEntry,
  type TLedgerVerification,
  type TManualPayment,
  type TManualPaymentRequest,
  type TOverview,
  type TOverviewRange,
  type TPayoutBatch,
  type TPayoutBatchDetail,
  type TProgram,
  type TQueueState,
  type TUpdateProgramRequest,
  ZAdminAffiliate,
  ZAdminAffiliateDetail,
  ZAdminIntent,
  ZAdminMe,
  ZAdminSettlement,
  ZAdminUser,
  ZApiKey,
  ZAuditLogEntry,
  ZChange,
  ZCommerceRefundResponse,
  ZCommission,
  ZCreatedApiKey,
  ZFundCheck,
  ZLedgerBalances,
  ZLedgerEntry,
  ZLedgerVerification,
  ZManualPayment,
  ZOverview,
  ZPage,
  ZPayoutBatch,
  ZPayoutBatchDetail,
  ZProgram,
  ZProgramStats,
  ZProgramWithPendingChange,
  ZQueueState,
} from '@sge/shared';
import { z } from 'zod';
import { ADMIN_CHAIN_ACTION_TIMEOUT_MS, ADMIN_EXPORT_TIMEOUT_MS } from '../limits';
import { adminPath } from '../pages/admin/admin-operations';
import type { TApiClient, TRequestOptions } from './client';
import { type TDevWallet, ZDevWallet } from './dev-wallet';

export type TAdminUser = z.infer<typeof ZAdminUser>;
export type TAdminIntent = z.infer<typeof ZAdminIntent>;
export type TAdminSettlement = z.infer<typeof ZAdminSettlement>;
export type TAuditLogEntry = z.infer<typeof ZAuditLogEntry>;
export type TAdminAffiliate = z.infer<typeof ZAdminAffiliate>;
export type TAdminAffiliateDetail = z.infer<typeof ZAdminAffiliateDetail>;
export type TLedgerBalances = z.infer<typeof ZLedgerBalances>;
export type TProgramStats = z.infer<typeof ZProgramStats>;
export type TProgramWithPendingChange = z.infer<typeof ZProgramWithPendingChange>;
export type TApiKey = z.infer<typeof ZApiKey>;
export type TCreatedApiKey = z.infer<typeof ZCreatedApiKey>;
/** What an admin does to an affiliate; TERMINATED is final (the API answers INVALID_STATE after it). */
export type TAffiliateVerb = 'suspend' | 'reinstate' | 'terminate';

/**
 * Key format (written down once, here): the admin key the operator signed in with is kept in sessionStorage
 * under `sge.admin.key` (it lives as long as the tab, never in localStorage), and sent as `x-admin-key`,
 * the header the API's auth plugin reads for named admin keys and program-scoped keys alike.
 */
export const ADMIN_KEY_STORAGE_KEY = 'sge.admin.key';
export const ADMIN_KEY_HEADER = 'x-admin-key';

export function readAdminKey(): string | null {
  try {
    return sessionStorage.getItem(ADMIN_KEY_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function writeAdminKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(ADMIN_KEY_STORAGE_KEY);
    else sessionStorage.setItem(ADMIN_KEY_STORAGE_KEY, key);
  } catch {
    // Storage can be unavailable: the key then lasts as long as the page.
  }
}

export type TPage<T> = { items: T[]; nextCursor: string | null };

/** Drops empty filter values so that `?status=` is never sent. */
function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(
    (entry): entry is [string, string | number] =>
      entry[1] !== undefined && entry[1] !== null && entry[1] !== '',
  );
  return new URLSearchParams(entries.map(([name, value]) => [name, String(value)])).toString();
}

export type TIntentFilter = { programId?: string; type?: string; status?: string; wallet?: string };
export type TUserFilter = { programId?: string; wallet?: string };
export type TSettlementFilter = { programId?: string; kind?: string; wallet?: string };
export type TAffiliateFilter = { programId?: string; status?: string; code?: string; parentId?: string };
export type TCommissionFilter = { programId?: string; status?: string; affiliateId?: string };
export type TLedgerFilter = { programId?: string; account?: string; currency?: string; asOf?: string };

/**
 * The admin endpoints the /admin pages use, with the admin key sent on every call. Responses are checked
 * against the shared schemas; failures are ApiErrors (401 for a wrong key, 403 for a program key asking
 * for something global, 409 for a refused state change, ...).
 *
 * @example
 * const admin = createAdminClient(api, () => readAdminKey());
 * const programs = await admin.programs();
 */
export function createAdminClient(api: TApiClient, key: () => string | null) {
  const headers = (): Record<string, string> => {
    const value = key();
    return value === null ? {} : { [ADMIN_KEY_HEADER]: value };
  };
  const get = <T>(path: string, schema: z.ZodType<T>, init: TRequestOptions = {}) =>
    api.send('GET', path, schema, { ...init, headers: headers() });
  const post = <T>(path: string, schema: z.ZodType<T>, body?: unknown) =>
    api.send('POST', path, schema, { body, headers: headers() });
  const patch = <T>(path: string, schema: z.ZodType<T>, body: unknown) =>
    api.send('PATCH', path, schema, { body, headers: headers() });
  const put = <T>(path: string, schema: z.ZodType<T>, body: unknown) =>
    api.send('PUT', path, schema, { body, headers: headers() });
  /** A GET that answers with text (CSV exports), which streams the whole range: a longer timeout. */
  const getText = (path: string) =>
    api.sendForText('GET', path, { headers: headers(), timeoutMs: ADMIN_EXPORT_TIMEOUT_MS });
  /** A POST whose handler waits on the chain (payout batch actions): a longer timeout. */
  const postChain = <T>(path: string, schema: z.ZodType<T>, body?: unknown) =>
    api.send('POST', path, schema, { body, headers: headers(), timeoutMs: ADMIN_CHAIN_ACTION_TIMEOUT_MS });

  return {
    programs: (init?: TRequestOptions): Promise<TPage<TProgram>> =>
      get(`${adminPath('GET /api/admin/programs')}?limit=200`, ZPage(ZProgram), init),
    createProgram: (body: TCreateProgramRequest): Promise<TProgram> =>
      post(adminPath('POST /api/admin/programs'), ZProgram, body),
    setProgramPaused: (programId: string, paused: boolean): Promise<TProgram> =>
      post(
        paused
          ? adminPath('POST /api/admin/programs/:programId/pause', { programId })
          : adminPath('POST /api/admin/programs/:programId/resume', { programId }),
        ZProgram,
      ),
    users: (filter: TUserFilter, init?: TRequestOptions): Promise<TPage<TAdminUser>> =>
      get(
        `${adminPath('GET /api/admin/users')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZAdminUser),
        init,
      ),
    intents: (filter: TIntentFilter, init?: TRequestOptions): Promise<TPage<TAdminIntent>> =>
      get(
        `${adminPath('GET /api/admin/intents')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZAdminIntent),
        init,
      ),
    retryIntent: (intentId: string, reason: string): Promise<TAdminIntent> =>
      post(adminPath('POST /api/admin/intents/:id/retry', { id: intentId }), ZAdminIntent, { reason }),
    settlements: (filter: TSettlementFilter, init?: TRequestOptions): Promise<TPage<TAdminSettlement>> =>
      get(
        `${adminPath('GET /api/admin/settlements')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZAdminSettlement),
        init,
      ),
    /** The CSV export of the filtered settlements, as text (the API sends it as an attachment). */
    settlementsCsv: (filter: TSettlementFilter): Promise<string> =>
      getText(`${adminPath('GET /api/admin/settlements')}?${query({ ...filter, format: 'csv' })}`),
    batches: (programId: string | undefined, init?: TRequestOptions): Promise<TPage<TPayoutBatch>> =>
      get(
        `${adminPath('GET /api/admin/payout-batches')}?${query({ programId, limit: 100 })}`,
        ZPage(ZPayoutBatch),
        init,
      ),
    batch: (batchId: string, init?: TRequestOptions): Promise<TPayoutBatchDetail> =>
      get(adminPath('GET /api/admin/payout-batches/:batchId', { batchId }), ZPayoutBatchDetail, init),
    /** Creates a batch of the PAYABLE commissions; its creator signs it next (`approveBatch`). */
    createBatch: (programId: string | undefined): Promise<TPayoutBatchDetail> =>
      postChain(
        adminPath('POST /api/admin/payout-batches'),
        ZPayoutBatchDetail,
        programId === undefined ? {} : { programId },
      ),
    /** The calling admin's EIP-712 signature of `approval.typedData`: the creator's first, then a second admin's. */
    approveBatch: (batchId: string, signature: string): Promise<TPayoutBatchDetail> =>
      postChain(
        adminPath('POST /api/admin/payout-batches/:batchId/approve', { batchId }),
        ZPayoutBatchDetail,
        { signature },
      ),
    rejectBatch: (batchId: string, reason: string): Promise<TPayoutBatchDetail> =>
      postChain(
        adminPath('POST /api/admin/payout-batches/:batchId/reject', { batchId }),
        ZPayoutBatchDetail,
        { reason },
      ),
    /** Cancels a batch that was not paid (awaiting approval, approved or FAILED); its commissions are payable again. */
    cancelBatch: (batchId: string, reason: string): Promise<TPayoutBatchDetail> =>
      postChain(
        adminPath('POST /api/admin/payout-batches/:batchId/cancel', { batchId }),
        ZPayoutBatchDetail,
        { reason },
      ),
    /** Who the admin key belongs to: a person with the wallet that signs their approvals, or a program key. */
    me: (init?: TRequestOptions): Promise<TAdminMe> => get(adminPath('GET /api/admin/me'), ZAdminMe, init),
    /** Mock mode: the calling demo admin's dev wallet (a published anvil key); 404 otherwise. */
    devAdminWallet: (init?: TRequestOptions): Promise<TDevWallet> =>
      get('/api/dev/admin-wallet', ZDevWallet, init),
    executeBatch: (batchId: string) =>
      postChain(
        adminPath('POST /api/admin/payout-batches/:batchId/execute', { batchId }),
        z.object({ batch: ZPayoutBatchDetail, intentId: z.uuid() }),
      ),
    auditLog: (
      filter: { programId?: string; actor?: string; action?: string },
      init?: TRequestOptions,
    ): Promise<TPage<TAuditLogEntry>> =>
      get(
        `${adminPath('GET /api/admin/audit-log')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZAuditLogEntry),
        init,
      ),
    changes: (
      filter: { programId?: string; status?: string },
      init?: TRequestOptions,
    ): Promise<TPage<TChange>> =>
      get(`${adminPath('GET /api/admin/changes')}?${query({ ...filter, limit: 100 })}`, ZPage(ZChange), init),
    approveChange: (changeId: string): Promise<TChange> =>
      post(adminPath('POST /api/admin/changes/:id/approve', { id: changeId }), ZChange),
    rejectChange: (changeId: string, reason: string): Promise<TChange> =>
      post(adminPath('POST /api/admin/changes/:id/reject', { id: changeId }), ZChange, { reason }),
    /** A recorded payment, or (above the approval threshold) the change waiting for a second admin. */
    recordPayment: (body: TManualPaymentRequest): Promise<TManualPayment | TChange> =>
      post(adminPath('POST /api/admin/payments'), z.union([ZManualPayment, ZChange]), body),
    program: (programId: string, init?: TRequestOptions): Promise<TProgram> =>
      get(adminPath('GET /api/admin/programs/:programId', { programId }), ZProgram, init),
    /**
     * Changes a program's settings: the others apply at once (200), money settings become a change waiting
     * for a second admin (202, `pendingChange`).
     */
    updateProgram: (programId: string, body: TUpdateProgramRequest): Promise<TProgramWithPendingChange> =>
      patch(
        adminPath('PATCH /api/admin/programs/:programId', { programId }),
        ZProgramWithPendingChange,
        body,
      ),
    programStats: (programId: string, init?: TRequestOptions): Promise<TProgramStats> =>
      get(adminPath('GET /api/admin/programs/:programId/stats', { programId }), ZProgramStats, init),
    /** Replaces the program's allowlist with these wallets (the API checks each address). */
    replaceAllowlist: (programId: string, wallets: string[]) =>
      put(
        adminPath('PUT /api/admin/programs/:programId/allowlist', { programId }),
        z.object({ programId: z.string(), count: z.number() }),
        wallets,
      ),
    apiKeys: (programId: string, init?: TRequestOptions): Promise<{ items: TApiKey[] }> =>
      get(
        adminPath('GET /api/admin/programs/:programId/api-keys', { programId }),
        z.object({ items: z.array(ZApiKey) }),
        init,
      ),
    /** A new program-scoped key; its secret is in this answer only. */
    createApiKey: (programId: string, name: string): Promise<TCreatedApiKey> =>
      post(adminPath('POST /api/admin/programs/:programId/api-keys', { programId }), ZCreatedApiKey, {
        name,
      }),
    revokeApiKey: (keyId: string): Promise<TApiKey> =>
      post(adminPath('POST /api/admin/api-keys/:id/revoke', { id: keyId }), ZApiKey),
    affiliates: (filter: TAffiliateFilter, init?: TRequestOptions): Promise<TPage<TAdminAffiliate>> =>
      get(
        `${adminPath('GET /api/admin/affiliates')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZAdminAffiliate),
        init,
      ),
    affiliate: (affiliateId: string, init?: TRequestOptions): Promise<TAdminAffiliateDetail> =>
      get(adminPath('GET /api/admin/affiliates/:id', { id: affiliateId }), ZAdminAffiliateDetail, init),
    setAffiliateStatus: (
      affiliateId: string,
      verb: TAffiliateVerb,
      reason: string,
    ): Promise<TAdminAffiliate> => {
      const paths = {
        suspend: adminPath('POST /api/admin/affiliates/:id/suspend', { id: affiliateId }),
        reinstate: adminPath('POST /api/admin/affiliates/:id/reinstate', { id: affiliateId }),
        terminate: adminPath('POST /api/admin/affiliates/:id/terminate', { id: affiliateId }),
      };
      return post(paths[verb], ZAdminAffiliate, { reason });
    },
    commissions: (filter: TCommissionFilter, init?: TRequestOptions): Promise<TPage<TCommission>> =>
      get(
        `${adminPath('GET /api/admin/commissions')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZCommission),
        init,
      ),
    /** Every account of the program with its balance per currency. */
    ledgerAccounts: (programId: string | undefined, init?: TRequestOptions): Promise<TLedgerBalances> =>
      get(`${adminPath('GET /api/admin/ledger/accounts')}?${query({ programId })}`, ZLedgerBalances, init),
    /** Balances filtered by account and currency, as of a past time when `asOf` is set. */
    ledgerBalances: (filter: TLedgerFilter, init?: TRequestOptions): Promise<TLedgerBalances> =>
      get(`${adminPath('GET /api/admin/ledger/balances')}?${query(filter)}`, ZLedgerBalances, init),
    ledgerEntries: (
      filter: { programId?: string; account?: string; currency?: string; reference?: string },
      init?: TRequestOptions,
    ): Promise<TPage<TLedgerEntry>> =>
      get(
        `${adminPath('GET /api/admin/ledger/entries')}?${query({ ...filter, limit: 100 })}`,
        ZPage(ZLedgerEntry),
        init,
      ),
    /** Incremental by default; `full` recomputes every balance from every entry (a scan of the whole ledger). */
    verifyLedger: (programId: string | undefined, full: boolean): Promise<TLedgerVerification> =>
      api.send(
        'GET',
        `${adminPath('GET /api/admin/ledger/verify')}?${query({ programId, full: full ? 'true' : undefined })}`,
        ZLedgerVerification,
        { headers: headers(), timeoutMs: ADMIN_CHAIN_ACTION_TIMEOUT_MS },
      ),
    refundSettlement: (settlementId: string, reason: string) =>
      post(
        adminPath('POST /api/admin/settlements/:id/refund', { id: settlementId }),
        z.object({
          settlementId: z.string(),
          created: z.boolean(),
          cancelled: z.array(z.string()),
          clawedBack: z.array(z.string()),
        }),
        { reason },
      ),
    /** Records a refund made in Commerce's dashboard (revenue reversed, commissions cancelled or clawed back). */
    refundCommerceCharge: (code: string, reason: string) =>
      post(adminPath('POST /api/admin/commerce/charges/:code/refund', { code }), ZCommerceRefundResponse, {
        reason,
      }),
    fundCheck: (init?: TRequestOptions): Promise<TFundCheck> =>
      get(adminPath('GET /api/admin/fund-check'), ZFundCheck, init),
    /** The dashboard's figures per UTC day (daily rollups) and the relayer's runway; all programs when null. */
    overview: (
      filter: { programId: string | null; range: TOverviewRange },
      init?: TRequestOptions,
    ): Promise<TOverview> =>
      get(
        `${adminPath('GET /api/admin/overview')}?${query({ range: filter.range, programId: filter.programId })}`,
        ZOverview,
        init,
      ),
    queues: (init?: TRequestOptions): Promise<{ items: TQueueState[] }> =>
      get(adminPath('GET /api/admin/queues'), z.object({ items: z.array(ZQueueState) }), init),
    setQueuePaused: (name: string, paused: boolean): Promise<TQueueState> =>
      post(
        paused
          ? adminPath('POST /api/admin/queues/:name/pause', { name })
          : adminPath('POST /api/admin/queues/:name/resume', { name }),
        ZQueueState,
      ),
  };
}
export type TAdminClient = ReturnType<typeof createAdminClient>;
