import { z } from 'zod';
import { SIGNATURE_HEX_LENGTH_MAX } from './limits';
import { ZDay, ZTimestamp, ZUnsignedAmountString } from './pagination';
import { ZPayoutStatus } from './payouts';
import { ZAddress, ZAmountString } from './status';

/** A referral code: 3-32 letters, digits, `_` or `-`; unique per program regardless of case. */
export const ZAffiliateCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, '3-32 letters, digits, _ or -');

export const ZAffiliateStatus = z.enum(['PENDING', 'ACTIVE', 'SUSPENDED', 'TERMINATED']);
export type TAffiliateStatus = z.infer<typeof ZAffiliateStatus>;

/**
 * A 65-byte ECDSA signature or a longer smart-contract wallet signature (ERC-1271, or ERC-6492 for a wallet
 * not deployed yet, which wraps its deployment call): hex, up to SIGNATURE_HEX_LENGTH_MAX characters.
 */
export const ZSignature = z
  .string()
  .max(SIGNATURE_HEX_LENGTH_MAX)
  .regex(/^0x[0-9a-fA-F]{130,}$/, 'a hex signature (0x followed by at least 65 bytes)');

/** Version of the affiliate terms; part of the signed message. */
export const AFFILIATE_TERMS_VERSION = '2025-01';

/**
 * The affiliate terms message a wallet signs (EIP-191 personal_sign) to register as an affiliate. The API
 * rebuilds it from the request and checks the signature, so the signature binds the wallet to exactly this
 * program, code and parent. `wallet` is the EIP-55 checksummed address; `code` and `parentCode` exactly as
 * sent in the request.
 *
 * @example
 * const message = affiliateTermsMessage({ programId, wallet: getAddress(account), code: 'ALPHA', parentCode: null });
 * const signature = await walletClient.signMessage({ account, message });
 */
export function affiliateTermsMessage(input: {
  programId: string;
  wallet: string;
  code: string;
  parentCode: string | null;
}): string {
  return [
    'SGE affiliate terms',
    `Version: ${AFFILIATE_TERMS_VERSION}`,
    '',
    'I register this wallet as an affiliate of the SGE program below and agree to its terms: commissions',
    'accrue on revenue from users I refer, become payable after the program hold period, are cancelled or',
    'clawed back when that revenue is refunded, and are paid in USDC to this wallet.',
    '',
    `Program: ${input.programId}`,
    `Wallet: ${input.wallet}`,
    `Referral code: ${input.code}`,
    `Parent code: ${input.parentCode ?? 'none'}`,
  ].join('\n');
}

export const ZRegisterAffiliateRequest = z
  .object({
    /** Default: the default program. */
    programId: z.uuid().optional(),
    wallet: ZAddress,
    code: ZAffiliateCode,
    parentCode: ZAffiliateCode.optional(),
    /** The wallet's signature of affiliateTermsMessage({programId, wallet, code, parentCode}). */
    signature: ZSignature,
  })
  .strict();
export type TRegisterAffiliateRequest = z.infer<typeof ZRegisterAffiliateRequest>;

export const ZAffiliateLookupQuery = z.object({ code: ZAffiliateCode, programId: z.uuid().optional() });
/** Public: whether a referral code can be used. Reveals no wallet. */
export const ZAffiliateLookup = z.object({ code: z.string(), programId: z.uuid(), active: z.boolean() });
export type TAffiliateLookup = z.infer<typeof ZAffiliateLookup>;

/** Money of one affiliate in micro-USD, as decimal strings. */
export const ZAffiliateBalances = z.object({
  /** Commissions still in their hold period. */
  accrued: ZUnsignedAmountString,
  /** Commissions past their hold period, not yet paid (including those in a pending batch). */
  payable: ZUnsignedAmountString,
  /** Commissions paid out. */
  paid: ZUnsignedAmountString,
  /** Refunded commissions already paid, to be netted from the next payout. */
  clawbacksOpen: ZUnsignedAmountString,
  /** What the program owes the affiliate according to the ledger (negative after a large clawback). */
  owed: ZAmountString,
});

export const ZAffiliateProfile = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  wallet: ZAddress,
  code: z.string(),
  parentCode: z.string().nullable(),
  depth: z.number().int(),
  status: ZAffiliateStatus,
  /** `${first APP_ORIGIN}/?ref=CODE` */
  referralLink: z.string(),
  referrals: z.number().int(),
  balances: ZAffiliateBalances,
  termsSignedAt: ZTimestamp.nullable(),
  createdAt: ZTimestamp,
});
export type TAffiliateProfile = z.infer<typeof ZAffiliateProfile>;

/** The downline as a flat list (parent before child); the app builds the tree from parentId. */
export const ZDownline = z.object({
  rootId: z.uuid(),
  nodes: z.array(
    z.object({
      id: z.uuid(),
      parentId: z.uuid().nullable(),
      code: z.string(),
      status: ZAffiliateStatus,
      /** Levels below the affiliate asking (1 = direct). */
      level: z.number().int(),
      referrals: z.number().int(),
      createdAt: ZTimestamp,
    }),
  ),
  /** True when the downline has more than DOWNLINE_NODES_MAX affiliates and was cut. */
  truncated: z.boolean(),
});
export type TDownline = z.infer<typeof ZDownline>;

export const ZDateRangeQuery = z.object({
  /** First day (UTC), default 30 days before `to`. */
  from: ZDay.optional(),
  /** Last day (UTC, inclusive), default today. */
  to: ZDay.optional(),
});

export const ZAffiliateStats = z.object({
  from: ZDay,
  to: ZDay,
  days: z.array(
    z.object({
      day: ZDay,
      referrals: z.number().int(),
      commissionCount: z.number().int(),
      commissionsMicroUsd: ZUnsignedAmountString,
    }),
  ),
  totals: z.object({
    referrals: z.number().int(),
    commissionCount: z.number().int(),
    commissionsMicroUsd: ZUnsignedAmountString,
  }),
});
export type TAffiliateStats = z.infer<typeof ZAffiliateStats>;

export const ZCommissionStatus = z.enum(['ACCRUED', 'PAYABLE', 'PAID', 'CANCELLED']);

export const ZCommission = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  affiliateId: z.uuid(),
  affiliateCode: z.string(),
  settlementId: z.uuid(),
  level: z.number().int(),
  rateBps: z.number().int(),
  baseAmount: ZUnsignedAmountString,
  amount: ZUnsignedAmountString,
  currency: z.string(),
  status: ZCommissionStatus,
  payableAt: ZTimestamp,
  payoutId: z.uuid().nullable(),
  /** True when the revenue was refunded after the commission was paid (or put in a batch). */
  clawedBack: z.boolean(),
  createdAt: ZTimestamp,
});
export type TCommission = z.infer<typeof ZCommission>;

export const ZAffiliatePayout = z.object({
  id: z.uuid(),
  batchId: z.uuid(),
  wallet: ZAddress,
  amount: ZUnsignedAmountString,
  currency: z.string(),
  status: ZPayoutStatus,
  /** Why the payout contract could not pay this payout (SKIPPED); its commissions are payable again. */
  skipReason: z.string().nullable(),
  txHash: z.string().nullable(),
  /** Explorer link of the payout transaction when the chain has an explorer. */
  txUrl: z.string().nullable(),
  paidAt: ZTimestamp.nullable(),
  createdAt: ZTimestamp,
});
export type TAffiliatePayout = z.infer<typeof ZAffiliatePayout>;

export const ZStatementQuery = ZDateRangeQuery.extend({ format: z.enum(['json', 'csv']).default('json') });

/**
 * An affiliate's statement: every movement of their payable account in the range, from their point of
 * view (positive = the program owes more, negative = paid out or clawed back), with running balances.
 */
export const ZAffiliateStatement = z.object({
  affiliateId: z.uuid(),
  code: z.string(),
  currency: z.literal('USD'),
  from: ZDay,
  to: ZDay,
  openingBalance: ZAmountString,
  closingBalance: ZAmountString,
  lines: z.array(
    z.object({
      at: ZTimestamp,
      reference: z.string(),
      kind: z.string(),
      description: z.string().nullable(),
      amount: ZAmountString,
      balance: ZAmountString,
    }),
  ),
});
export type TAffiliateStatement = z.infer<typeof ZAffiliateStatement>;
