import { ZRegistrationChallenge } from '@sge/shared';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import { solveRegistrationChallenge } from './solve-registration-challenge';

const HMAC_KEY = 'test-altcha-hmac-key-0123456789abcdef';
const WALLET = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** A challenge made as the API makes it (domain/gates/registration-challenge.ts), as the app receives it. */
async function challengeFromApi(counter: number) {
  const challenge = await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter,
    deriveKey,
    hmacSignatureSecret: HMAC_KEY,
    expiresAt: new Date(Date.now() + 60_000),
    data: { wallet: WALLET },
  });
  return ZRegistrationChallenge.parse(JSON.parse(JSON.stringify(challenge)));
}

describe('solveRegistrationChallenge', () => {
  it("answers a payload that the server's own verification accepts, for the wallet it was issued to", async () => {
    const altcha = await solveRegistrationChallenge(await challengeFromApi(1_234));

    const payload = JSON.parse(Buffer.from(altcha, 'base64').toString('utf8'));
    expect(payload.challenge.parameters.data).toEqual({ wallet: WALLET });
    expect(payload.solution.counter).toBe(1_234);
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: HMAC_KEY,
    });
    expect(result.verified).toBe(true);
  });

  it('stops and rejects when the page cancels it', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      solveRegistrationChallenge(await challengeFromApi(49_999), { signal: controller.signal }),
    ).rejects.toThrow('cancelled');
  });
});
