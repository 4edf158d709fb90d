import { VARIABLES } from './variables';

/**
 * Admin keys are bearer secrets that move money (payout batches, refunds, manual payments), so Real and
 * Production refuse keys anyone could know or guess:
 * - published ones: Mock mode's development keys and every key of the ADMIN_API_KEYS example that
 *   packages/api/.env.example ships (it is generated from the variable table, read here);
 * - low-entropy ones: under ADMIN_KEY_ENTROPY_BITS_MIN bits by the size of the character classes used
 *   (24 × `a` is 24 × log2(26) ≈ 113 bits), or with little variety (a few characters repeated: under
 *   ADMIN_KEY_SHANNON_BITS_MIN bits by the Shannon entropy of the key's own characters times its length).
 *   A random key from `npm run wallet:new` (32 random bytes, base64url: 43 characters) has ~256 bits by
 *   the first measure and ~200 by the second; 16 random bytes in hex (32 characters) pass both, just.
 */
export const ADMIN_KEY_ENTROPY_BITS_MIN = 128;
export const ADMIN_KEY_SHANNON_BITS_MIN = 96;

/** How to make a good key, for the error. */
export const ADMIN_KEY_HOW_TO =
  'generate one with `npm run wallet:new` (prints ADMIN_API_KEYS=name:<random>) or `openssl rand -base64 32`';

/** Mock mode's development admin keys (known to everyone who read the code). */
export const DEVELOPMENT_ADMIN_KEYS: readonly string[] = ['dev-admin-key', 'dev-admin-key-2'];

/** Keys the repository publishes: the development ones and those of the ADMIN_API_KEYS example. */
export function publishedAdminKeys(): ReadonlySet<string> {
  const keys = new Set(DEVELOPMENT_ADMIN_KEYS);
  for (const variable of VARIABLES) {
    if (!variable.name.startsWith('ADMIN_API_KEY') || !variable.example) continue;
    for (const entry of variable.example.split(',')) {
      const key = entry.split(':')[1];
      if (key) keys.add(key.trim());
    }
  }
  return keys;
}

/** Bits a key would have if every character were drawn at random from the classes it uses. */
function characterClassBits(key: string): number {
  let alphabet = 0;
  if (/[a-z]/.test(key)) alphabet += 26;
  if (/[A-Z]/.test(key)) alphabet += 26;
  if (/[0-9]/.test(key)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(key)) alphabet += 33;
  return alphabet === 0 ? 0 : key.length * Math.log2(alphabet);
}

/** The key's length times the Shannon entropy of its own character frequencies: low for repetition. */
function shannonBits(key: string): number {
  const counts = new Map<string, number>();
  for (const character of key) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / key.length;
    perCharacter -= p * Math.log2(p);
  }
  return perCharacter * key.length;
}

/**
 * Why a key is not good enough for Real or Production, or null.
 *
 * @example
 * adminKeyWeakness('a'.repeat(24)) // 'has about 113 bits of entropy, under 128'
 */
export function adminKeyWeakness(key: string, published = publishedAdminKeys()): string | null {
  if (published.has(key)) return 'is a published example or development key';
  const classBits = characterClassBits(key);
  if (classBits < ADMIN_KEY_ENTROPY_BITS_MIN)
    return `has about ${Math.floor(classBits)} bits of entropy, under ${ADMIN_KEY_ENTROPY_BITS_MIN}`;
  const varietyBits = shannonBits(key);
  if (varietyBits < ADMIN_KEY_SHANNON_BITS_MIN)
    return `repeats a few characters (about ${Math.floor(varietyBits)} bits of variety, under ${ADMIN_KEY_SHANNON_BITS_MIN})`;
  return null;
}

/** Reports every admin key that is published or guessable (Real and Production only). */
export function checkAdminKeyStrength(
  keys: readonly { name: string; key: string }[],
  problem: (variable: string, text: string) => void,
): void {
  const published = publishedAdminKeys();
  for (const { name, key } of keys) {
    const weakness = adminKeyWeakness(key, published);
    if (weakness) problem('ADMIN_API_KEYS', `admin "${name}" key ${weakness}; ${ADMIN_KEY_HOW_TO}`);
  }
}
