import { createHash, randomBytes } from 'node:crypto';

/**
 * Secret token formats, written down once:
 * - program API key:    `sgek_<43 base64url chars>` (256 random bits), sent as `x-admin-key` or Bearer;
 * - affiliate session:  `sges_<43 base64url chars>` (256 random bits), sent as Bearer.
 * Only SHA-256 hashes are stored. With 256 bits of entropy a plain hash is enough (no salt or slow hash
 * needed), and a lookup by hash leaks nothing useful through timing.
 */
export const API_KEY_PREFIX = 'sgek_';
export const SESSION_TOKEN_PREFIX = 'sges_';
/** Characters of an API key shown in listings so an admin can recognise it. */
export const API_KEY_VISIBLE_CHARS = 12;

const TOKEN_PATTERN = /^sge[ks]_[A-Za-z0-9_-]{43}$/;

export function newSecretToken(prefix: typeof API_KEY_PREFIX | typeof SESSION_TOKEN_PREFIX): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Whether a string has the shape of one of our tokens (cheap filter before a database lookup). */
export function looksLikeToken(value: string, prefix: string): boolean {
  return value.startsWith(prefix) && TOKEN_PATTERN.test(value);
}
