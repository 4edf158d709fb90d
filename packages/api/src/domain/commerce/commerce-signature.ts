import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Coinbase Commerce signs each webhook delivery with the endpoint's shared secret: the header
 * `X-CC-Webhook-Signature` carries the hex HMAC-SHA256 of the raw request body. The check is over the bytes
 * as received (re-serialising parsed JSON would change them) and in constant time.
 */
export const COMMERCE_SIGNATURE_HEADER = 'x-cc-webhook-signature';

/** The hex HMAC-SHA256 of `rawBody` with `secret`, as Commerce computes it. */
export function signCommercePayload(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Whether `signature` (the header's value) is the HMAC of `rawBody`. Compared with timingSafeEqual after a
 * length check (timingSafeEqual throws on different lengths; a length difference reveals nothing secret).
 *
 * @example
 * verifyCommerceSignature(request.body as Buffer, request.headers['x-cc-webhook-signature'], secret);
 */
export function verifyCommerceSignature(
  rawBody: Buffer,
  signature: string | string[] | undefined,
  secret: string,
): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]+$/.test(signature.trim())) return false;
  const expected = Buffer.from(signCommercePayload(rawBody, secret), 'hex');
  const given = Buffer.from(signature.trim(), 'hex');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
