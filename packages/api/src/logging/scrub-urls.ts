/**
 * Removes credentials from URLs inside any text before it is logged: the one scrub function, used at the RPC
 * error boundary (chain/rpc-errors.ts) and by the logger's serializers (logging/logger.ts). RPC providers put
 * the API key in the URL (Alchemy `/v2/<key>`, Infura `/v3/<key>`, QuickNode `/<token>/`, `?apikey=`), and
 * viem's errors quote the URL they failed on ("URL: https://…"). What goes:
 * - user info (`user:pass@`) → `[redacted]@`;
 * - every query value (`?apikey=abc` → `?apikey=[redacted]`) and the fragment;
 * - every path segment that could be a key: 16+ characters, or 8+ with a digit, of letters, digits, `_` or `-`
 *   (`/v2/AbC…` → `/v2/[redacted]`). Short words (`/v2/`, `/rpc`, `/healthz`) stay, so the URL still says
 *   which provider and endpoint failed.
 * Scheme, host and port stay.
 *
 * @example
 * scrubUrls('fetch failed URL: https://eth-mainnet.g.alchemy.com/v2/Xk8…') // '… /v2/[redacted]'
 */
export function scrubUrls(text: string): string {
  // Fast path: no URL, nothing to do (most log lines).
  if (!text.includes('://')) return text;
  return text.replace(URL_PATTERN, (_match, scheme: string, rest: string) => {
    // Punctuation ending a sentence ("…/v3/<key>.") is not part of the URL.
    const trailing = /[.,;:!?]+$/.exec(rest)?.[0] ?? '';
    return scheme + scrubAfterScheme(rest.slice(0, rest.length - trailing.length)) + trailing;
  });
}

export const REDACTED = '[redacted]';

/** A scheme (`https://`, `wss://`, `postgresql://`…) and everything up to whitespace, a quote or a bracket. */
const URL_PATTERN = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s"'`<>()[\]{}]+)/g;
const KEY_LIKE_SEGMENT = /^(?=.*\d)[A-Za-z0-9_-]{8,}$|^[A-Za-z0-9_-]{16,}$/;

function scrubAfterScheme(rest: string): string {
  // Authority ends at the first /, ? or #; user info is what comes before its last @.
  const authorityEnd = rest.search(/[/?#]/);
  let authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at !== -1) authority = `${REDACTED}@${authority.slice(at + 1)}`;
  const hash = tail.indexOf('#');
  if (hash !== -1) tail = tail.slice(0, hash);
  const question = tail.indexOf('?');
  const path = question === -1 ? tail : tail.slice(0, question);
  const query = question === -1 ? null : tail.slice(question + 1);
  const scrubbedPath = path
    .split('/')
    .map((segment) => (KEY_LIKE_SEGMENT.test(segment) ? REDACTED : segment))
    .join('/');
  const scrubbedQuery =
    query === null
      ? ''
      : `?${query
          .split('&')
          .map((pair) => {
            const equals = pair.indexOf('=');
            return equals === -1 ? pair : `${pair.slice(0, equals)}=${REDACTED}`;
          })
          .join('&')}`;
  return authority + scrubbedPath + scrubbedQuery;
}

/** Depth to which scrubDeep follows nested objects (an error's cause chain, viem's details). */
const SCRUB_DEPTH_MAX = 8;

/**
 * A copy of a serialized log value (an error turned into plain data, or any object) with scrubUrls applied to
 * every string in it.
 */
export function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubUrls(value);
  if (value === null || typeof value !== 'object' || depth >= SCRUB_DEPTH_MAX) return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubDeep(item, depth + 1);
  return copy;
}
