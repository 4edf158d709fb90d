import {
  type TAdminMe,
  type TChange,
  type TCreateProgramRequest,
  type TManualPayment,
  type TManualPaymentRequest,
  type TPayoutBatch,
  type TPayoutBatchDetail,
  type TProgram,
  ZAdminIntent,
  ZAdminMe,
  ZAdminSettlement,
  ZAdminUser,
  ZAuditLogEntry,
  ZChange,
  ZManualPayment,
  ZPage,
  ZPayoutBatch,
  ZPayoutBatchDetail,
  ZProgram,
} from '@sge/shared';
import { z } from 'zod';
import { ADMIN_CHAIN_ACTION_TIMEOUT_MS, ADMIN_EXPORT_TIMEOUT_MS } from '../limits';
import type { TApiClient, TRequestOptions } from './client';
import { type TDevWallet, ZDevWallet } from './dev-wallet';

export type TAdminUser = z.infer<typeof ZAdminUser>;
export type TAdminIntent = z.infer<typeof ZAdminIntent>;
export type TAdminSettlement = z.infer<typeof ZAdminSettlement>;
export type TAuditLogEntry = z.infer<typeof ZAuditLogEntry>;

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

/**
 * The admin endpoints the /admin pages use, with the admin key sent on every call. Responses are checked
 * against the shared schemas; failures are ApiErrors (401 for a wrong key, 403 for a program key asking
 * for something global, 409 for a refused state change, ...).
 *
 * @example
 * const admin = createAdminClient(api, () => readAdminKey());
 * const programs = await admin.programs();
 */
export function createAdminClient(
  api: TApiClient,
  key: () => string | null,
  /** Unused since every call, the CSV export included, goes through `api` (which has the base URL and fetch). */
  _options: { baseUrl: string; fetch?: typeof fetch } = { baseUrl: '' },
) {
  const headers = (): Record<string, string> => {
    const value = key();
    return value === null ? {} : { [ADMIN_KEY_HEADER]: value };
  };
  const get = <T>(path: string, schema: z.ZodType<T>, init: TRequestOptions = {}) =>
    api.send('GET', path, schema, { ...init, headers: headers() });
  const post = <T>(path: string, schema: z.ZodType<T>, body?: unknown) =>
    api.send('POST', path, schema, { body, headers: headers() });
  /** A GET that answers with text (CSV exports), which streams the whole range: a longer timeout. */
  const getText = (path: string) =>
    api.sendForText('GET', path, { headers: headers(), timeoutMs: ADMIN_EXPORT_TIMEOUT_MS });
  /** A POST whose handler waits on the chain (payout batch actions): a longer timeout. */
  const postChain = <T>(path: string, schema: z.ZodType<T>, body?: unknown) =>
    api.send('POST', path, schema, { body, headers: headers(), timeoutMs: ADMIN_CHAIN_ACTION_TIMEOUT_MS });

  return {
    programs: (init?: TRequestOptions): Promise<TPage<TProgram>> =>
      get('/api/admin/programs?limit=200', ZPage(ZProgram), init),
    createProgram: (body: TCreateProgramRequest): Promise<TProgram> =>
      post('/api/admin/programs', ZProgram, body),
    setProgramPaused: (programId: string, paused: boolean): Promise<TProgram> =>
      post(`/api/admin/programs/${programId}/${paused ? 'pause' : 'resume'}`, ZProgram),
    users: (filter: TUserFilter, init?: TRequestOptions): Promise<TPage<TAdminUser>> =>
      get(`/api/admin/users?${query({ ...filter, limit: 100 })}`, ZPage(ZAdminUser), init),
    intents: (filter: TIntentFilter, init?: TRequestOptions): Promise<TPage<TAdminIntent>> =>
      get(`/api/admin/intents?${query({ ...filter, limit: 100 })}`, ZPage(ZAdminIntent), init),
    retryIntent: (intentId: string, reason: string): Promise<TAdminIntent> =>
      post(`/api/admin/intents/${intentId}/retry`, ZAdminIntent, { reason }),
    settlements: (filter: TSettlementFilter, init?: TRequestOptions): Promise<TPage<TAdminSettlement>> =>
      get(`/api/admin/settlements?${query({ ...filter, limit: 100 })}`, ZPage(ZAdminSettlement), init),
    /** The CSV export of the filtered settlements, as text (the API sends it as an attachment). */
    settlementsCsv: (filter: TSettlementFilter): Promise<string> =>
      getText(`/api/admin/settlements?${query({ ...filter, format: 'csv' })}`),
    batches: (programId: string | undefined, init?: TRequestOptions): Promise<TPage<TPayoutBatch>> =>
      get(`/api/admin/payout-batches?${query({ programId, limit: 100 })}`, ZPage(ZPayoutBatch), init),
    batch: (batchId: string, init?: TRequestOptions): Promise<TPayoutBatchDetail> =>
      get(`/api/admin/payout-batches/${batchId}`, ZPayoutBatchDetail, init),
    /** Creates a batch of the PAYABLE commissions; its creator signs it next (`approveBatch`). */
    createBatch: (programId: string | undefined): Promise<TPayoutBatchDetail> =>
      postChain(
        '/api/admin/payout-batches',
        ZPayoutBatchDetail,
        programId === undefined ? {} : { programId },
      ),
    /** The calling admin's EIP-712 signature of `approval.typedData`: the creator's first, then a second admin's. */
    approveBatch: (batchId: string, signature: string): Promise<TPayoutBatchDetail> =>
      postChain(`/api/admin/payout-batches/${batchId}/approve`, ZPayoutBatchDetail, { signature }),
    rejectBatch: (batchId: string, reason: string): Promise<TPayoutBatchDetail> =>
      postChain(`/api/admin/payout-batches/${batchId}/reject`, ZPayoutBatchDetail, { reason }),
    /** Cancels a batch that was not paid (awaiting approval, approved or FAILED); its commissions are payable again. */
    cancelBatch: (batchId: string, reason: string): Promise<TPayoutBatchDetail> =>
      postChain(`/api/admin/payout-batches/${batchId}/cancel`, ZPayoutBatchDetail, { reason }),
    /** Who the admin key belongs to: a person with the wallet that signs their approvals, or a program key. */
    me: (init?: TRequestOptions): Promise<TAdminMe> => get('/api/admin/me', ZAdminMe, init),
    /** Mock mode: the calling demo admin's dev wallet (a published anvil key); 404 otherwise. */
    devAdminWallet: (init?: TRequestOptions): Promise<TDevWallet> =>
      get('/api/dev/admin-wallet', ZDevWallet, init),
    executeBatch: (batchId: string) =>
      postChain(
        `/api/admin/payout-batches/${batchId}/execute`,
        z.object({ batch: ZPayoutBatchDetail, intentId: z.uuid() }),
      ),
    auditLog: (
      filter: { programId?: string; actor?: string; action?: string },
      init?: TRequestOptions,
    ): Promise<TPage<TAuditLogEntry>> =>
      get(`/api/admin/audit-log?${query({ ...filter, limit: 100 })}`, ZPage(ZAuditLogEntry), init),
    changes: (
      filter: { programId?: string; status?: string },
      init?: TRequestOptions,
    ): Promise<TPage<TChange>> =>
      get(`/api/admin/changes?${query({ ...filter, limit: 100 })}`, ZPage(ZChange), init),
    approveChange: (changeId: string): Promise<TChange> =>
      post(`/api/admin/changes/${changeId}/approve`, ZChange),
    rejectChange: (changeId: string, reason: string): Promise<TChange> =>
      post(`/api/admin/changes/${changeId}/reject`, ZChange, { reason }),
    /** A recorded payment, or (above the approval threshold) the change waiting for a second admin. */
    recordPayment: (body: TManualPaymentRequest): Promise<TManualPayment | TChange> =>
      post('/api/admin/payments', z.union([ZManualPayment, ZChange]), body),
  };
}
export type TAdminClient = ReturnType<typeof createAdminClient>;
