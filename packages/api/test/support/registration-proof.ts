import { REGISTRATION_PROOF_TTL_SECONDS_DEFAULT, registrationTypedData } from '@sge/shared';
import { type Kysely, sql } from 'kysely';
import { getAddress, type Hex, keccak256, type LocalAccount, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import type { Database } from '../../src/db/schema';

/** Anvil's chain id, which Mock mode and the test platforms use. */
export const TEST_CHAIN_ID = 31337;

/**
 * The n-th test wallet: a private key derived from n (keccak256 of "sge-test-wallet-<n>"), so a test can
 * sign for the wallets it registers. Same n, same wallet, in every process.
 */
export function testWalletAccount(n: number): LocalAccount {
  return privateKeyToAccount(testWalletKey(n));
}

export function testWalletKey(n: number): Hex {
  return keccak256(toHex(`sge-test-wallet-${n}`));
}

export type TSignedRegistration = { wallet: string; ref?: string; signature: Hex; expiresAt: number };

/**
 * The body of POST /api/register for `account`, signed by it (issue 18's proof of wallet): the one helper
 * every test, the fuzz suite, the chaos suite and the benchmarks use to register wallets.
 *
 * @example
 * const body = await signRegistration({ account: testWalletAccount(1), ref: 'ALICE' });
 * await fetch(`${url}/api/register`, { method: 'POST', body: JSON.stringify(body), headers });
 */
export async function signRegistration(options: {
  account: LocalAccount;
  programId?: string;
  ref?: string;
  chainId?: number;
  expiresAt?: number;
  /** Sign as this wallet but send another in `wallet` (attacker tests). */
  wallet?: string;
}): Promise<TSignedRegistration> {
  const expiresAt =
    options.expiresAt ?? Math.floor(Date.now() / 1000) + REGISTRATION_PROOF_TTL_SECONDS_DEFAULT;
  const wallet = (options.wallet ?? options.account.address) as `0x${string}`;
  const signature = await options.account.signTypedData(
    registrationTypedData({
      programId: options.programId ?? DEFAULT_PROGRAM_ID,
      wallet,
      referral: options.ref ?? '',
      chainId: options.chainId ?? TEST_CHAIN_ID,
      expiresAt,
    }),
  );
  return { wallet, ...(options.ref === undefined ? {} : { ref: options.ref }), signature, expiresAt };
}

/**
 * Waits until the mint worker has verified a registration's proof of wallet (its referral counts from then
 * on: payments and charges attribute it) and settled it, so nothing more changes in the database after.
 */
export async function waitForRegistrationVerified(
  db: Kysely<Database>,
  programId: string,
  wallet: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const intent = await db
      .selectFrom('intents')
      .select(['status'])
      .select(sql<boolean>`payload ? 'proofVerifiedAt'`.as('verified'))
      .where('idempotency_key', '=', `register:${programId}:${getAddress(wallet)}`)
      .executeTakeFirst();
    if (intent?.status === 'CONFIRMED') return;
    if (intent?.status === 'FAILED') throw new Error(`registration of ${wallet} failed`);
    if (Date.now() > deadline) throw new Error(`registration of ${wallet} not verified in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
