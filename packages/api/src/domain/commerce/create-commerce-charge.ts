import { randomInt, randomUUID } from 'node:crypto';
import type { TCommerceChargeView } from '@sge/shared';
import { sql } from 'kysely';
import { type Address, getAddress, isAddress } from 'viem';
import type { TCommerceApi } from '../../providers/commerce-api';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { hasPaid } from '../payments/has-paid';
import { assertProgramAcceptsIntents } from '../programs/assert-program-accepts-intents';
import { getProgram } from '../programs/get-program';
import { CHARGE_NAME_LENGTH_MAX, MOCK_CHARGE_TTL_MS } from './commerce-limits';
import { getCommerceCharge } from './get-commerce-charge';

/**
 * Where charges are made: Commerce's REST API (Real mode), or Mock mode's simulated checkout served by the
 * API itself at `<checkoutBaseUrl>/api/commerce/checkout/<code>` (see http/routes/commerce/checkout.ts).
 */
export type TChargeMaker =
  | { kind: 'commerce'; api: TCommerceApi | null }
  | { kind: 'mock'; checkoutBaseUrl: string };

export type TCreateChargeInput = {
  programId: string;
  wallet: string;
  email?: string | null;
  ref?: string | null;
  /** Where the checkout returns the user to (already checked against the allowed origins). */
  returnUrl: string;
};

/** Mock charge codes look like Commerce's: 8 characters of A–Z and 0–9. */
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CODE_LENGTH = 8;
/** Tries at a fresh code when a random one is taken (36^8 codes: a second try is already unheard of). */
const CODE_TRIES_MAX = 3;

function mockChargeCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * The checkout's return URL: `checkout=<code>` (when known before the charge exists: Mock mode) and
 * `checkout_status=returned|canceled`. Commerce cannot put its own code into our redirect URL, so the app
 * also remembers the code of the charge it opened.
 */
export function checkoutReturnUrl(returnUrl: string, code: string | null, canceled: boolean): string {
  const url = new URL(returnUrl);
  if (code !== null) url.searchParams.set('checkout', code);
  url.searchParams.set('checkout_status', canceled ? 'canceled' : 'returned');
  return url.toString();
}

/**
 * Attribution at charge time: the wallet's registration intent's referrer (first touch), else its users
 * row's, else `ref` matched to an ACTIVE affiliate of the program (code, case-insensitive, or wallet;
 * a self-referral is ignored). Kept on the charge so that a payment made before registering still pays the
 * referrer's commission (confirmCommercePayment).
 */
async function resolveReferrer(
  db: TDbExecutor,
  programId: string,
  wallet: Address,
  ref: string | null,
): Promise<{ affiliateId: string | null; note: string | null }> {
  const known = await sql<{ affiliate_id: string | null }>`
    SELECT coalesce(
      (SELECT (payload->>'affiliateId')::uuid FROM intents WHERE idempotency_key = ${`register:${programId}:${wallet}`}
        AND (NOT payload ? 'proof' OR payload ? 'proofVerifiedAt')),
      (SELECT referred_by_affiliate_id FROM users WHERE program_id = ${programId} AND wallet = ${wallet})
    ) AS affiliate_id`.execute(db);
  const existing = known.rows[0]?.affiliate_id ?? null;
  if (existing) return { affiliateId: existing, note: null };
  if (!ref) return { affiliateId: null, note: null };
  const refValue = isAddress(ref, { strict: false }) ? getAddress(ref) : ref;
  const match = await db
    .selectFrom('affiliates')
    .select(['id', 'wallet'])
    .where('program_id', '=', programId)
    .where('status', '=', 'ACTIVE')
    .where((eb) => eb.or([eb(sql`lower(code)`, '=', refValue.toLowerCase()), eb('wallet', '=', refValue)]))
    .orderBy(sql`lower(code) = ${refValue.toLowerCase()}`, 'desc')
    .executeTakeFirst();
  if (!match) return { affiliateId: null, note: `referral "${ref}" matches no active affiliate; ignored` };
  if (match.wallet === wallet) return { affiliateId: null, note: 'self-referral ignored' };
  return { affiliateId: match.id, note: null };
}

/**
 * POST /api/commerce/charge: a charge for the program's fee (programs.fee_micro_usd, in USD) that the wallet
 * pays on the hosted checkout. Stored with its code, amount, wallet, program, attribution and status NEW
 * (and the first history row) before the hosted URL is returned, so every charge a user can pay is known.
 *
 * @throws AppError PROGRAM_PAUSED, CONFLICT (the wallet has paid already), INVALID_STATE (the program has
 *   no fee), DEPENDENCY_UNAVAILABLE (Commerce not configured or not answering).
 * @example
 * const charge = await createCommerceCharge(db, { kind: 'mock', checkoutBaseUrl: 'http://localhost:3000' },
 *   { programId, wallet, returnUrl: 'http://localhost:5173/' });
 * // charge.hostedUrl: http://localhost:3000/api/commerce/checkout/K3D9QX2M
 */
export async function createCommerceCharge(
  db: TDbExecutor,
  maker: TChargeMaker,
  input: TCreateChargeInput,
): Promise<TCommerceChargeView> {
  const program = await getProgram(db, input.programId);
  assertProgramAcceptsIntents(program);
  const wallet = getAddress(input.wallet);
  if (await hasPaid(db, program.id, wallet)) {
    throw new AppError('CONFLICT', `wallet ${wallet} has already paid in program "${program.slug}"`, {
      details: { field: 'body.wallet', programId: program.id },
    });
  }
  if (program.fee_micro_usd <= 0n) {
    throw new AppError('INVALID_STATE', `program "${program.slug}" has no fee to charge`, {
      details: { programId: program.id },
    });
  }
  const referral = await resolveReferrer(db, program.id, wallet, input.ref ?? null);
  const common = {
    program_id: program.id,
    wallet,
    email: input.email ?? null,
    amount: program.fee_micro_usd,
    currency: 'USD',
    ref: input.ref ?? null,
    referrer_affiliate_id: referral.affiliateId,
    referral_note: referral.note,
    return_url: input.returnUrl,
  };

  let code: string | null = null;
  if (maker.kind === 'commerce') {
    if (!maker.api) {
      throw new AppError(
        'DEPENDENCY_UNAVAILABLE',
        'Coinbase Commerce is not configured on this server (COINBASE_COMMERCE_API_KEY is not set)',
      );
    }
    const charge = await maker.api.createCharge({
      name: program.name.slice(0, CHARGE_NAME_LENGTH_MAX),
      description: `SGE-ID for ${wallet}`,
      amountMicroUsd: program.fee_micro_usd,
      metadata: { programId: program.id, wallet },
      redirectUrl: checkoutReturnUrl(input.returnUrl, null, false),
      cancelUrl: checkoutReturnUrl(input.returnUrl, null, true),
    });
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('commerce_charges')
        .values({
          ...common,
          code: charge.code,
          commerce_id: charge.id,
          source: 'COMMERCE',
          hosted_url: charge.hostedUrl,
          expires_at: charge.expiresAt,
        })
        .execute();
      await tx
        .insertInto('commerce_charge_events')
        .values({ charge_code: charge.code, status: 'NEW', cause: 'created', occurred_at: new Date() })
        .execute();
    });
    code = charge.code;
  } else {
    for (let attempt = 0; attempt < CODE_TRIES_MAX && code === null; attempt++) {
      const candidate = mockChargeCode();
      code = await db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('commerce_charges')
          .values({
            ...common,
            code: candidate,
            commerce_id: randomUUID(),
            source: 'MOCK',
            hosted_url: `${maker.checkoutBaseUrl}/api/commerce/checkout/${candidate}`,
            expires_at: new Date(Date.now() + MOCK_CHARGE_TTL_MS),
          })
          .onConflict((oc) => oc.column('code').doNothing())
          .returning('code')
          .executeTakeFirst();
        if (!inserted) return null;
        await tx
          .insertInto('commerce_charge_events')
          .values({ charge_code: candidate, status: 'NEW', cause: 'created', occurred_at: new Date() })
          .execute();
        return candidate;
      });
    }
    if (code === null) throw new Error(`no free mock charge code after ${CODE_TRIES_MAX} tries`);
  }
  const view = await getCommerceCharge(db, code);
  if (!view) throw new Error(`charge ${code} vanished after it was stored`);
  return view;
}
