import type { TRegistrationChallenge } from '@sge/shared';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';
import { CHALLENGE_SOLVE_TIMEOUT_MS } from '../limits';

/**
 * Solves a program's proof-of-work gate (ALTCHA, issue 18) in the browser: the challenge from
 * GET /api/register/challenge?wallet= is brute-forced with altcha-lib's `solveChallenge` and its Web Crypto
 * SHA-256 (`altcha-lib/algorithms/web/sha`, the same key derivation the API verifies with node:crypto), and
 * the answer is the registration's `altcha` field: base64 of `{challenge, solution}`, the payload the ALTCHA
 * widget would send. Why not the widget itself: packages/app/README.md ("Proof-of-work gate").
 *
 * Needs a secure context (https or localhost) for `crypto.subtle`.
 *
 * @example const altcha = await solveRegistrationChallenge(await api.getRegistrationChallenge(wallet));
 */
export async function solveRegistrationChallenge(
  challenge: TRegistrationChallenge,
  { signal }: { signal?: AbortSignal } = {},
): Promise<string> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  try {
    // The solver yields to the event loop every 200 ms, so the page stays responsive on the main thread.
    const solution = await solveChallenge({
      challenge,
      deriveKey,
      controller,
      timeout: CHALLENGE_SOLVE_TIMEOUT_MS,
    });
    if (solution === null) {
      throw new Error(
        signal?.aborted
          ? 'solving the proof-of-work challenge was cancelled'
          : `the proof-of-work challenge was not solved within ${CHALLENGE_SOLVE_TIMEOUT_MS / 1000} s`,
      );
    }
    return base64Json({ challenge, solution });
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** Base64 of a value's JSON, UTF-8 encoded first (btoa takes only Latin-1). */
function base64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
