import { type Challenge, createChallenge, randomInt, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Address } from 'viem';
import { AppError } from '../app-error';

/**
 * The proof-of-work gate (ALTCHA, self-hosted with altcha-lib): GET /api/register/challenge?wallet= answers a
 * challenge signed with ALTCHA_HMAC_KEY and bound to the wallet (`parameters.data.wallet`), and the
 * registration carries `altcha`: base64 of `{challenge, solution}` (the widget's payload). Binding the wallet
 * makes a solution worth one wallet: reusing it for the same wallet changes nothing (registration is
 * idempotent), and for another wallet its signature fails. A challenge expires after CHALLENGE_TTL_MS.
 */
export const CHALLENGE_TTL_MS = 10 * 60_000;
/** The counter the client must find is uniform in [0, this): ~0.4 s of SHA-256 on average in a browser. */
export const CHALLENGE_COUNTER_MAX = 50_000;

export async function createRegistrationChallenge(hmacKey: string, wallet: Address): Promise<Challenge> {
  return await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: randomInt(CHALLENGE_COUNTER_MAX),
    deriveKey,
    hmacSignatureSecret: hmacKey,
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    data: { wallet },
  });
}

/** Throws CHALLENGE_REQUIRED / CHALLENGE_FAILED unless `altcha` is a solved, unexpired challenge for `wallet`. */
export async function assertRegistrationChallengeSolved(
  hmacKey: string,
  wallet: Address,
  altcha: string | undefined,
): Promise<void> {
  if (!altcha) {
    throw new AppError(
      'CHALLENGE_REQUIRED',
      'this program requires a solved proof-of-work challenge in body.altcha (GET /api/register/challenge)',
      { details: { field: 'body.altcha', wallet } },
    );
  }
  let payload: { challenge: Challenge; solution: Solution };
  try {
    payload = JSON.parse(Buffer.from(altcha, 'base64').toString('utf8'));
    if (!payload?.challenge?.parameters || !payload.solution) throw new Error('not a payload');
  } catch {
    throw new AppError('CHALLENGE_FAILED', 'body.altcha is not a base64 ALTCHA payload', {
      details: { field: 'body.altcha', wallet },
    });
  }
  if (payload.challenge.parameters.data?.wallet !== wallet) {
    throw new AppError('CHALLENGE_FAILED', `body.altcha was not issued for ${wallet}`, {
      details: { field: 'body.altcha', wallet },
    });
  }
  const result = await verifySolution({
    challenge: payload.challenge,
    solution: payload.solution,
    deriveKey,
    hmacSignatureSecret: hmacKey,
  }).catch(() => null);
  if (!result?.verified) {
    throw new AppError(
      'CHALLENGE_FAILED',
      result?.expired
        ? 'body.altcha has expired; solve a new challenge'
        : 'body.altcha is not a valid solution',
      { details: { field: 'body.altcha', wallet } },
    );
  }
}
