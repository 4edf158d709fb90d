import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { TCommerceChargeView } from '@sge/shared';
import { assert } from '@sge/shared';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import { type Address, getAddress, isAddress } from 'viem';
import type { CommerceChargesTable, TPaymentProviderName } from '../../db/schema';
import type { TBusinessApi } from '../../providers/business-api';
import type { TCommerceApi } from '../../providers/commerce-api';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { hasPaid } from '../payments/has-paid';
import { providerCall } from '../payments/provider-call';
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
  | { kind: 'business'; api: TBusinessApi | null }
  | { kind: 'mock'; checkoutBaseUrl: string; provider?: 'coinbase-commerce' | 'coinbase-business' };

/**
 * The maker for a program's payment provider (issue 19): a function of the program's `payment_provider`
 * (the route's), or one maker whatever the program says (tools and tests of one provider).
 */
export type TChargeMakers = TChargeMaker | ((provider: TPaymentProviderName) => TChargeMaker);

export type TCreateChargeInput = {
  programId: string;
  wallet: string;
  email?: string | null;
  ref?: string | null;
  /** Where the checkout returns the user to (already checked against the allowed origins). */
  returnUrl: string;
};

/** Mock Business checkout ids look like Business's: 24 hexadecimal digits (the code upper-cases them). */
function mockBusinessId(): string {
  return randomBytes(12).toString('hex');
}

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
  makers: TChargeMakers,
  input: TCreateChargeInput,
): Promise<TCommerceChargeView> {
  const program = await getProgram(db, input.programId);
  assertProgramAcceptsIntents(program);
  if (program.payment_provider === 'onchain') {
    throw new AppError(
      'PAYMENT_PROVIDER_MISMATCH',
      `program "${program.slug}" takes direct on-chain payments: POST /api/payments/onchain`,
      { details: { programId: program.id, paymentProvider: program.payment_provider } },
    );
  }
  const maker = typeof makers === 'function' ? makers(program.payment_provider) : makers;
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
    const api = maker.api;
    const charge = await providerCall(() =>
      api.createCharge({
        name: program.name.slice(0, CHARGE_NAME_LENGTH_MAX),
        description: `SGE-ID for ${wallet}`,
        amountMicroUsd: program.fee_micro_usd,
        metadata: { programId: program.id, wallet },
        redirectUrl: checkoutReturnUrl(input.returnUrl, null, false),
        cancelUrl: checkoutReturnUrl(input.returnUrl, null, true),
      }),
    );
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
  } else if (maker.kind === 'business') {
    code = await createBusinessCheckout(db, maker.api, program, wallet, common, input.returnUrl);
  } else {
    for (let attempt = 0; attempt < CODE_TRIES_MAX && code === null; attempt++) {
      const business = maker.provider === 'coinbase-business';
      const businessId = mockBusinessId();
      const candidate = business ? businessId.toUpperCase() : mockChargeCode();
      code = await db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('commerce_charges')
          .values({
            ...common,
            code: candidate,
            commerce_id: business ? businessId : randomUUID(),
            source: business ? 'MOCK_BUSINESS' : 'MOCK',
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
  assert(view, `charge ${code} vanished after it was stored`);
  return view;
}

/**
 * A Coinbase Business checkout for the program's fee (USDC), created with an `X-Idempotency-Key` of
 * `checkout:<programId>:<wallet>:<uuid>` (one per request: a retry of the same call cannot create a second
 * checkout), then stored as a BUSINESS charge (code = the checkout id upper-cased) with its first history row.
 */
async function createBusinessCheckout(
  db: TDbExecutor,
  api: TBusinessApi | null,
  program: { id: string; name: string; fee_micro_usd: bigint },
  wallet: Address,
  common: Omit<Insertable<CommerceChargesTable>, 'code' | 'hosted_url'>,
  returnUrl: string,
): Promise<string> {
  if (!api) {
    throw new AppError(
      'DEPENDENCY_UNAVAILABLE',
      'Coinbase Business is not configured on this server (COINBASE_BUSINESS_API_KEY_ID / _SECRET are not set)',
    );
  }
  const checkout = await providerCall(() =>
    api.createCheckout(
      {
        amountMicroUsd: program.fee_micro_usd,
        description: `${program.name.slice(0, CHARGE_NAME_LENGTH_MAX)}: SGE-ID for ${wallet}`,
        metadata: { programId: program.id, wallet },
        successRedirectUrl: checkoutReturnUrl(returnUrl, null, false),
        failRedirectUrl: checkoutReturnUrl(returnUrl, null, true),
        expiresAt: new Date(Date.now() + MOCK_CHARGE_TTL_MS),
      },
      `checkout:${program.id}:${wallet}:${randomUUID()}`,
    ),
  );
  const code = checkout.id.toUpperCase();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('commerce_charges')
      .values({
        ...common,
        code,
        commerce_id: checkout.id,
        source: 'BUSINESS',
        hosted_url: checkout.url,
        expires_at: checkout.expiresAt,
      })
      .execute();
    await tx
      .insertInto('commerce_charge_events')
      .values({ charge_code: code, status: 'NEW', cause: 'created', occurred_at: new Date() })
      .execute();
  });
  return code;
}
