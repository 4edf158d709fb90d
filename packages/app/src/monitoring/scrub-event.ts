/**
 * What the app's error reports must never carry: wallet signatures (a registration proof, an EIP-712 payout
 * approval, a Sign-In with Ethereum signature), the admin key and the affiliate session token the tab keeps,
 * and auth headers. Applied to every event in Sentry's `beforeSend`.
 */

const FILTERED = '[Filtered]';
/** A 65-byte ECDSA signature as hex: never leaves the browser in a report. */
const SIGNATURE_PATTERN = /0x[0-9a-fA-F]{130}/g;
/** Keys whose values are secret wherever they appear in an event (headers included). */
const SECRET_KEY_PATTERN =
  /authorization|cookie|secret|password|private.?key|api.?key|admin.?key|signature|mnemonic|token/i;
/** Values shorter than this are not scrubbed by value (they would blank ordinary words). */
const SECRET_VALUE_MIN_LENGTH = 8;
/** How deep an event is walked; Sentry's own normalisation stops earlier. */
const DEPTH_MAX = 12;

/**
 * A copy of `value` with secret-named keys replaced, and signatures and the given secret values cut out of
 * every string.
 *
 * @example scrubEvent({ message: `key ${key}` }, [key]) // { message: 'key [Filtered]' }
 */
export function scrubEvent<T>(value: T, secrets: readonly (string | null)[]): T {
  const values = secrets.filter(
    (secret): secret is string => secret !== null && secret.length >= SECRET_VALUE_MIN_LENGTH,
  );
  const scrubString = (text: string): string => {
    let out = text.replace(SIGNATURE_PATTERN, '[signature]');
    for (const secret of values) out = out.split(secret).join(FILTERED);
    return out;
  };
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return scrubString(node);
    if (depth > DEPTH_MAX || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] =
        SECRET_KEY_PATTERN.test(key) && typeof child !== 'object' ? FILTERED : walk(child, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
