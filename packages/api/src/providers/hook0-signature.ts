import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hook0's webhook signature, which Coinbase (CDP) webhooks use, Business checkouts' included. The header
 * `X-Hook0-Signature: t=<unix seconds>,h=<space-separated header names>,v1=<hex>` where v1 is the
 * HMAC-SHA256, keyed with the subscription's secret, of
 *   `<t>.<header names joined by ' '>.<those headers' values joined by '.'>.<raw body>`
 * (header names lower-case, values as received). `v0` (the timestamp and body only) is the scheme's older
 * form; it does not cover the headers, so it is not accepted here.
 */
export const HOOK0_SIGNATURE_HEADER = 'x-hook0-signature';

/** Deliveries older (or further ahead) than this are refused: a captured delivery cannot be replayed later. */
export const HOOK0_TOLERANCE_SECONDS = 300;

/** Why a delivery was refused (null: verified). */
export type THook0Refusal = 'missing' | 'malformed' | 'mismatch' | 'expired';

type THeaders = Record<string, string | string[] | undefined>;

function headerValue(headers: THeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function digest(secret: string, timestamp: string, names: string[], headers: THeaders, body: Buffer): Buffer {
  const values = names.map((name) => headerValue(headers, name)).filter((v) => typeof v === 'string');
  return createHmac('sha256', secret)
    .update(`${timestamp}.${names.join(' ')}.${values.join('.')}.`)
    .update(body)
    .digest();
}

/**
 * The header value Hook0 would send for `body` with `headers` (lower-case names) signed at `timestampSeconds`.
 * Used by Mock mode's simulated checkout and by tests.
 */
export function signHook0(
  body: Buffer | string,
  headers: Record<string, string>,
  secret: string,
  timestampSeconds: number,
): string {
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const v1 = digest(secret, String(timestampSeconds), names, lower, raw).toString('hex');
  return `t=${timestampSeconds},h=${names.join(' ')},v1=${v1}`;
}

/**
 * Verifies a delivery: the v1 HMAC compared in constant time (timingSafeEqual after a length check), then
 * the timestamp within HOOK0_TOLERANCE_SECONDS of `nowSeconds`. Returns the signed header names on success.
 *
 * @example
 * const result = verifyHook0({ rawBody, headers: request.headers, secret, nowSeconds: Date.now() / 1000 });
 * if (!result.ok) refuse(result.refusal);
 */
export function verifyHook0(input: {
  rawBody: Buffer;
  /** The request's headers, names lower-case (Node's and Fastify's are). */
  headers: THeaders;
  secret: string;
  nowSeconds: number;
}): { ok: true; timestamp: number; signedHeaders: string[] } | { ok: false; refusal: THook0Refusal } {
  const header = headerValue(input.headers, HOOK0_SIGNATURE_HEADER);
  if (header === undefined || header.trim() === '') return { ok: false, refusal: 'missing' };
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (t === undefined || !/^\d{1,12}$/.test(t) || v1 === undefined || !/^[0-9a-fA-F]{64}$/.test(v1)) {
    return { ok: false, refusal: 'malformed' };
  }
  const names = (parts.get('h') ?? '')
    .trim()
    .toLowerCase()
    .split(' ')
    .filter((name) => name.length > 0);
  const expected = digest(input.secret, t, names, input.headers, input.rawBody);
  const given = Buffer.from(v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, refusal: 'mismatch' };
  }
  const timestamp = Number(t);
  if (Math.abs(input.nowSeconds - timestamp) > HOOK0_TOLERANCE_SECONDS)
    return { ok: false, refusal: 'expired' };
  return { ok: true, timestamp, signedHeaders: names };
}
