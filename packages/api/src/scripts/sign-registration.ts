import {
  DEFAULT_PROGRAM_ID,
  REGISTRATION_PROOF_TTL_SECONDS_DEFAULT,
  registrationTypedData,
} from '@sge/shared';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

/**
 * `npm run --silent registration:sign -- [--api URL] [--ref CODE] [--program-id UUID]`: prints the body of
 * `POST /api/register` for a fresh wallet (a new random key, never stored), signed by that wallet as the
 * proof of wallet the platform asks (issue 18) — what a wallet does for a user, for trying the API with curl.
 * The chain id is the API's own (`GET <api>/healthz`); the signature is valid for 10 minutes.
 *
 * @example
 * body=$(npm run --silent registration:sign -- --api http://localhost:3000 --ref ALPHA)
 * curl -s -X POST http://localhost:3000/api/register -H 'content-type: application/json' -d "$body"
 */
function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const api = option('api') ?? 'http://localhost:3000';
const ref = option('ref');
const programId = option('program-id') ?? DEFAULT_PROGRAM_ID;
const health = (await (await fetch(`${api}/healthz`)).json()) as { chainId?: number };
if (typeof health.chainId !== 'number') {
  console.error(`registration:sign: ${api}/healthz reports no chainId; is the API running there?`);
  process.exit(1);
}
const account = privateKeyToAccount(generatePrivateKey());
const expiresAt = Math.floor(Date.now() / 1000) + REGISTRATION_PROOF_TTL_SECONDS_DEFAULT;
const signature = await account.signTypedData(
  registrationTypedData({
    programId,
    wallet: account.address,
    referral: ref ?? '',
    chainId: health.chainId,
    expiresAt,
  }),
);
console.log(
  JSON.stringify({
    wallet: account.address,
    ...(ref === undefined ? {} : { ref }),
    ...(option('program-id') === undefined ? {} : { programId }),
    signature,
    expiresAt,
  }),
);
