import { z } from 'zod';
import {
  AFFILIATE_DEPTH_MAX,
  CLAIM_AMOUNT_MAX_WEI,
  CLAIM_RELAY_FEE_MAX_MICRO_USD,
  COMMISSION_LEVELS_MAX,
  MIN_PAYOUT_MAX_MICRO_USD,
  PROGRAM_FEE_MAX_MICRO_USD,
} from './limits';

/** The program every deployment starts with (migration 0001 creates it); requests without a program use it. */
export const DEFAULT_PROGRAM_ID = '00000000-0000-4000-8000-000000000001';

import { ZTimestamp, ZUnsignedAmountString } from './pagination';
import { ZRegistrationProof } from './registration-proof';
import { ZAddress } from './status';

export const ZProgramStatus = z.enum(['ACTIVE', 'PAUSED', 'ARCHIVED']);
export type TProgramStatus = z.infer<typeof ZProgramStatus>;

/** Longest hold period of commissions: one year. */
export const HOLD_PERIOD_SECONDS_MAX = 366 * 24 * 60 * 60;

/** One basis point is 0.01%; 10,000 bps = 100%. */
export const BPS_DENOMINATOR = 10_000;

export const ZCommissionLevelsBps = z
  .array(z.number().int().min(0).max(BPS_DENOMINATOR))
  .max(COMMISSION_LEVELS_MAX, `at most ${COMMISSION_LEVELS_MAX} levels`)
  .refine(
    (levels) => levels.reduce((sum, level) => sum + level, 0) <= BPS_DENOMINATOR,
    'the levels add up to more than 10000 bps (100%)',
  );

/**
 * Payment providers (issue 19): Coinbase Business Checkouts (the current API), legacy Coinbase Commerce
 * (the default, for existing merchants), or a direct USDC/USDT transfer to the program's treasury.
 */
export const PAYMENT_PROVIDERS = ['coinbase-business', 'coinbase-commerce', 'onchain'] as const;
export const ZPaymentProvider = z.enum(PAYMENT_PROVIDERS);
export type TPaymentProvider = z.infer<typeof ZPaymentProvider>;

/** Every field of a program an admin may set (the whitelist of updates). */
export const ZProgramSettings = z.object({
  name: z.string().trim().min(1).max(200),
  treasuryAddress: ZAddress.nullable(),
  sgeIdAddress: ZAddress.nullable(),
  sgeClaimAddress: ZAddress.nullable(),
  payoutAddress: ZAddress.nullable(),
  /** Claim fee in micro-USD (6 decimals): 100 USD = "100000000". */
  feeMicroUsd: ZUnsignedAmountString,
  /** SGE per claim in wei (18 decimals). */
  claimAmountWei: ZUnsignedAmountString,
  /** Level 1 (the user's referrer) first; default [1000, 500] = 10% direct, 5% to the parent. */
  commissionLevelsBps: ZCommissionLevelsBps,
  maxAffiliateDepth: z.number().int().min(1).max(AFFILIATE_DEPTH_MAX),
  holdPeriodSeconds: z.number().int().min(0).max(HOLD_PERIOD_SECONDS_MAX),
  /** Smallest net payable (micro-USD) an affiliate must reach to be put in a payout batch. */
  minPayoutMicroUsd: ZUnsignedAmountString,
  paymentRequired: z.boolean(),
  kycRequired: z.boolean(),
  /** Proof of wallet (issue 18): `required` (default) or `none` (custodial imports; referral not locked). */
  registrationProof: ZRegistrationProof,
  /** Gate: only wallets on the program's allowlist (PUT /api/admin/programs/:id/allowlist) may register. */
  allowlistRequired: z.boolean(),
  /** Gate: each registration carries a solved ALTCHA proof-of-work challenge (GET /api/register/challenge). */
  challengeRequired: z.boolean(),
  /** Budget: sponsored mints per UTC day (null: none). Crossing it leaves registrations PENDING. */
  mintsPerDayMax: z.number().int().min(0).max(100_000_000).nullable(),
  /** Budget: relayer gas (wei) spent on this program's mints per UTC day (null: none). */
  gasPerDayMaxWei: ZUnsignedAmountString.nullable(),
  /** How the payment gate is paid (issue 19); a money setting. */
  paymentProvider: ZPaymentProvider,
  /** USDC (micro-USD) a gasless claimant pays the relayer on top of the fee, shown before signing. */
  claimRelayFeeMicroUsd: ZUnsignedAmountString,
});
export type TProgramSettings = z.infer<typeof ZProgramSettings>;

/**
 * The settings that move money (issue 17): who is paid how much, when, and by which contract into which
 * treasury. An admin's change to any of them is a pending change until a second admin approves it; a
 * program API key cannot change them at all. Every other setting (name, status, depth, gates) applies at
 * once.
 */
export const PROGRAM_MONEY_SETTINGS = [
  'treasuryAddress',
  'sgeIdAddress',
  'sgeClaimAddress',
  'payoutAddress',
  'feeMicroUsd',
  'claimAmountWei',
  'commissionLevelsBps',
  'holdPeriodSeconds',
  'minPayoutMicroUsd',
  // Who receives the program's payments (issue 19).
  'paymentProvider',
  'claimRelayFeeMicroUsd',
] as const satisfies readonly (keyof TProgramSettings)[];
export type TProgramMoneySetting = (typeof PROGRAM_MONEY_SETTINGS)[number];

/** The program fields that hold a contract or treasury address (chosen only from known deployments). */
export const PROGRAM_ADDRESS_SETTINGS = [
  'treasuryAddress',
  'sgeIdAddress',
  'sgeClaimAddress',
  'payoutAddress',
] as const satisfies readonly TProgramMoneySetting[];
export type TProgramAddressSetting = (typeof PROGRAM_ADDRESS_SETTINGS)[number];

/** A non-negative amount (decimal string) of at most `max` in the smallest unit. */
function ZBoundedAmountString(max: bigint, unit: string) {
  return ZUnsignedAmountString.refine(
    // The regex check runs first but does not stop this one: BigInt only reads what it accepts.
    (value) => !/^\d+$/.test(value) || BigInt(value) <= max,
    `at most ${max} ${unit}`,
  );
}

/**
 * What an admin may set: ZProgramSettings with every amount bounded (limits.ts), so a slip of a few digits
 * is a 400 naming the field rather than a change for the second admin to overlook.
 */
const ZProgramSettingsInput = ZProgramSettings.extend({
  feeMicroUsd: ZBoundedAmountString(PROGRAM_FEE_MAX_MICRO_USD, 'micro-USD'),
  claimAmountWei: ZBoundedAmountString(CLAIM_AMOUNT_MAX_WEI, 'wei'),
  minPayoutMicroUsd: ZBoundedAmountString(MIN_PAYOUT_MAX_MICRO_USD, 'micro-USD'),
  claimRelayFeeMicroUsd: ZBoundedAmountString(CLAIM_RELAY_FEE_MAX_MICRO_USD, 'micro-USD'),
});

const MONEY_PICK = {
  treasuryAddress: true,
  sgeIdAddress: true,
  sgeClaimAddress: true,
  payoutAddress: true,
  feeMicroUsd: true,
  claimAmountWei: true,
  commissionLevelsBps: true,
  holdPeriodSeconds: true,
  minPayoutMicroUsd: true,
  paymentProvider: true,
  claimRelayFeeMicroUsd: true,
} as const;

/** The money settings of a pending change (PROGRAM_SETTINGS): only the fields it changes, bounded. */
export const ZProgramMoneySettings = ZProgramSettingsInput.pick(MONEY_PICK).partial();
/**
 * The same in responses, without the input bounds: a change stored before a bound was tightened (or a
 * program's value from before the bounds) is still shown, never a 500.
 */
export const ZProgramMoneySettingsView = ZProgramSettings.pick(MONEY_PICK).partial();
export type TProgramMoneySettings = z.infer<typeof ZProgramMoneySettings>;

export const ZProgram = ZProgramSettings.extend({
  id: z.uuid(),
  slug: z.string(),
  status: ZProgramStatus,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TProgram = z.infer<typeof ZProgram>;

/**
 * POST /api/admin/programs. With no money setting the program starts ACTIVE on the database defaults; with
 * any, it starts PAUSED on the defaults and the money settings wait for a second admin as a pending change
 * (resume it after the approval).
 */
export const ZCreateProgramRequest = ZProgramSettingsInput.partial()
  .extend({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (1-63)'),
    name: z.string().trim().min(1).max(200),
  })
  .strict();
export type TCreateProgramRequest = z.infer<typeof ZCreateProgramRequest>;

/**
 * Only these fields can change; anything else in the body is a 400 naming it. Money settings
 * (PROGRAM_MONEY_SETTINGS) become a pending change; the others apply at once.
 */
export const ZUpdateProgramRequest = ZProgramSettingsInput.partial()
  .extend({ status: ZProgramStatus.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');
export type TUpdateProgramRequest = z.infer<typeof ZUpdateProgramRequest>;

export const ZProgramIdParams = z.object({ programId: z.uuid() });

export const ZProgramStats = z.object({
  programId: z.uuid(),
  users: z.number().int(),
  registrations: z.number().int(),
  claims: z.number().int(),
  affiliates: z.number().int(),
  /** Revenue recognised (net of refunds) per currency, from the ledger's revenue account. */
  revenue: z.array(z.object({ currency: z.string(), amount: ZUnsignedAmountString })),
  commissions: z.array(
    z.object({
      status: z.enum(['ACCRUED', 'PAYABLE', 'PAID', 'CANCELLED']),
      count: z.number().int(),
      amount: ZUnsignedAmountString,
    }),
  ),
  payoutBatches: z.array(z.object({ status: z.string(), count: z.number().int() })),
});
export type TProgramStats = z.infer<typeof ZProgramStats>;
