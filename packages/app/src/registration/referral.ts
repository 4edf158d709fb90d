import { ZAffiliateCode, ZReferralInput } from '@sge/shared';

/**
 * The `?ref=` of a link, as the Register page treats it:
 * - `none`: no referral;
 * - `code`: an affiliate code (case-insensitive: it is looked up to show the affiliate's own spelling);
 * - `wallet`: an affiliate's wallet address (the API accepts these too; nothing to look up);
 * - `malformed`: not something the API would accept. It is not sent, so that a damaged link cannot block
 *   registration with a validation error; the page says it is ignored.
 */
export type TReferral =
  | { kind: 'none' }
  | { kind: 'code'; ref: string }
  | { kind: 'wallet'; ref: string }
  | { kind: 'malformed'; raw: string };

/**
 * Reads the referral from a query string.
 *
 * @example parseReferral(new URLSearchParams('?ref=alpha')) // { kind: 'code', ref: 'alpha' }
 */
export function parseReferral(params: URLSearchParams): TReferral {
  const raw = params.get('ref');
  if (raw === null || raw.trim() === '') return { kind: 'none' };
  const parsed = ZReferralInput.safeParse(raw);
  if (!parsed.success) return { kind: 'malformed', raw };
  if (/^0x[0-9a-fA-F]{40}$/.test(parsed.data)) return { kind: 'wallet', ref: parsed.data };
  return { kind: 'code', ref: parsed.data };
}

/** The `ref` to send with the registration, or undefined for none. */
export function referralToSend(referral: TReferral): string | undefined {
  return referral.kind === 'code' || referral.kind === 'wallet' ? referral.ref : undefined;
}

/**
 * Whether a code can be looked up with GET /api/affiliates/lookup (which accepts 3-32 characters; the
 * registration accepts up to 64, so a longer one is sent but cannot be checked).
 */
export function isLookupableCode(code: string): boolean {
  return ZAffiliateCode.safeParse(code).success;
}
