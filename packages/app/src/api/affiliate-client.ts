import {
  type TAffiliatePayout,
  type TAffiliateProfile,
  type TAffiliateStats,
  type TCommission,
  type TDownline,
  type TRegisterAffiliateRequest,
  type TSiweNonceResponse,
  type TSiweVerifyResponse,
  ZAffiliatePayout,
  ZAffiliateProfile,
  ZAffiliateStats,
  ZCommission,
  ZDownline,
  ZPage,
  ZSiweNonceResponse,
  ZSiweVerifyResponse,
} from '@sge/shared';
import { z } from 'zod';
import type { TApiClient, TRequestOptions } from './client';

/**
 * Key format (written down once, here): the affiliate session is kept in sessionStorage under
 * `sge.affiliate.session` as JSON `{token, wallet, programId, expiresAt}`: it lives as long as the tab, and is
 * sent as `Authorization: Bearer <token>` to /api/affiliate/... (http/plugins/auth.ts in the API).
 */
export const AFFILIATE_SESSION_STORAGE_KEY = 'sge.affiliate.session';

export const ZStoredAffiliateSession = z.object({
  token: z.string().min(1),
  wallet: z.string(),
  programId: z.uuid(),
  expiresAt: z.string(),
});
export type TStoredAffiliateSession = z.infer<typeof ZStoredAffiliateSession>;

export function readAffiliateSession(now = Date.now()): TStoredAffiliateSession | null {
  try {
    const raw = sessionStorage.getItem(AFFILIATE_SESSION_STORAGE_KEY);
    if (raw === null) return null;
    const parsed = ZStoredAffiliateSession.safeParse(JSON.parse(raw));
    if (!parsed.success || Date.parse(parsed.data.expiresAt) <= now) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

export function writeAffiliateSession(session: TStoredAffiliateSession | null): void {
  try {
    if (session === null) sessionStorage.removeItem(AFFILIATE_SESSION_STORAGE_KEY);
    else sessionStorage.setItem(AFFILIATE_SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage can be unavailable (private mode, quota): the session then lasts as long as the page.
  }
}

const ZLogout = z.object({ ok: z.literal(true) });

/**
 * The affiliate endpoints: Sign-In with Ethereum (nonce, verify), registration as an affiliate, and the
 * signed-in affiliate's own data. Built on the app's API client, so responses are checked against the
 * shared schemas and failures are ApiErrors.
 *
 * @example
 * const affiliate = createAffiliateClient(api);
 * const me = await affiliate.me(token);
 */
export function createAffiliateClient(api: TApiClient) {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    nonce: (programId: string | undefined, init: TRequestOptions = {}): Promise<TSiweNonceResponse> =>
      api.send('POST', '/api/auth/siwe/nonce', ZSiweNonceResponse, {
        ...init,
        body: programId === undefined ? {} : { programId },
      }),
    verify: (
      body: { message: string; signature: string },
      init: TRequestOptions = {},
    ): Promise<TSiweVerifyResponse> =>
      api.send('POST', '/api/auth/siwe/verify', ZSiweVerifyResponse, { ...init, body }),
    logout: (token: string) => api.send('POST', '/api/auth/logout', ZLogout, { headers: bearer(token) }),
    register: (body: TRegisterAffiliateRequest): Promise<TAffiliateProfile> =>
      api.send('POST', '/api/affiliates/register', ZAffiliateProfile, { body }),
    me: (token: string, init: TRequestOptions = {}): Promise<TAffiliateProfile> =>
      api.send('GET', '/api/affiliate/me', ZAffiliateProfile, { ...init, headers: bearer(token) }),
    stats: (
      token: string,
      range: { from?: string; to?: string } = {},
      init: TRequestOptions = {},
    ): Promise<TAffiliateStats> =>
      api.send('GET', `/api/affiliate/stats?${new URLSearchParams(range)}`, ZAffiliateStats, {
        ...init,
        headers: bearer(token),
      }),
    commissions: (
      token: string,
      init: TRequestOptions = {},
    ): Promise<{ items: TCommission[]; nextCursor: string | null }> =>
      api.send('GET', '/api/affiliate/commissions?limit=100', ZPage(ZCommission), {
        ...init,
        headers: bearer(token),
      }),
    payouts: (
      token: string,
      init: TRequestOptions = {},
    ): Promise<{ items: TAffiliatePayout[]; nextCursor: string | null }> =>
      api.send('GET', '/api/affiliate/payouts?limit=100', ZPage(ZAffiliatePayout), {
        ...init,
        headers: bearer(token),
      }),
    downline: (token: string, init: TRequestOptions = {}): Promise<TDownline> =>
      api.send('GET', '/api/affiliate/downline', ZDownline, { ...init, headers: bearer(token) }),
  };
}
export type TAffiliateClient = ReturnType<typeof createAffiliateClient>;
