import { z } from 'zod';
import { ZIntentStatus, ZIntentType } from './admin';
import { ZPaymentProvider } from './programs';
import { ZRegistrationSignature } from './registration-proof';

/** An Ethereum address as typed by a person or a wallet: any case; the API checksums it. */
export const ZWalletInput = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');

/** A referral: an affiliate code (case-insensitive) or an affiliate's wallet address. */
export const ZReferralInput = z
  .string()
  .trim()
  .min(3, 'must be an affiliate code or wallet')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9_-]+$|^0x[0-9a-fA-F]{40}$/,
    'must be an affiliate code (letters, digits, _ and -) or a wallet',
  );

export const ZRegisterRequest = z.object({
  wallet: ZWalletInput,
  ref: ZReferralInput.optional(),
  /** The wallet's EIP-712 signature of `registrationTypedData` (required unless the program's proof is `none`). */
  signature: ZRegistrationSignature.optional(),
  /** When the signature expires, unix seconds (at most REGISTRATION_PROOF_TTL_SECONDS_MAX ahead). */
  expiresAt: z.number().int().positive().optional(),
  /** A solved ALTCHA challenge (base64 JSON, from GET /api/register/challenge) when the program asks for one. */
  altcha: z.string().min(1).max(4_096).optional(),
});
export type TRegisterRequest = z.infer<typeof ZRegisterRequest>;

/**
 * GET /api/register/challenge?wallet=: an ALTCHA (altcha-lib v2) proof-of-work challenge bound to the wallet.
 * Loose objects: the HMAC signature covers every parameter, so the client sends back exactly what it got.
 */
export const ZRegistrationChallenge = z.looseObject({
  parameters: z.looseObject({
    algorithm: z.string(),
    nonce: z.string(),
    salt: z.string(),
    cost: z.number(),
    keyLength: z.number(),
    keyPrefix: z.string(),
  }),
  signature: z.string().optional(),
});
export type TRegistrationChallenge = z.infer<typeof ZRegistrationChallenge>;

/** 202 while the SGE-ID is being minted; 200 once it is (or when the intent has failed for good). */
export const ZRegisterResponse = z.object({
  intentId: z.string().uuid(),
  status: ZIntentStatus,
  wallet: z.string(),
  tokenId: z.string().optional(),
  txHash: z.string().optional(),
  reason: z.string().optional(),
});
export type TRegisterResponse = z.infer<typeof ZRegisterResponse>;

export const ZIntentView = z.object({
  id: z.string().uuid(),
  type: ZIntentType,
  programId: z.string().uuid(),
  wallet: z.string().nullable(),
  status: ZIntentStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  confirmedAt: z.string().nullable(),
  txHash: z.string().nullable(),
  tokenId: z.string().nullable(),
  explorerTxUrl: z.string().nullable(),
});
export type TIntentView = z.infer<typeof ZIntentView>;

/** GET /api/status?wallet=: everything about one wallet in one program. */
export const ZWalletStatus = z.object({
  wallet: z.string(),
  programId: z.string().uuid(),
  registration: z.object({
    status: z.enum(['NOT_REGISTERED', 'PENDING', 'PROCESSING', 'CONFIRMED', 'FAILED']),
    intentId: z.string().uuid().nullable(),
    tokenId: z.string().nullable(),
    txHash: z.string().nullable(),
    explorerTxUrl: z.string().nullable(),
    explorerTokenUrl: z.string().nullable(),
    referredBy: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  payment: z.object({
    required: z.boolean(),
    paid: z.boolean(),
    /** How this program takes payments (issue 19): the page offers that checkout, or a direct on-chain payment. */
    provider: ZPaymentProvider,
  }),
  claim: z.object({
    status: z.enum(['UNCLAIMED', 'CLAIMED']),
    claimedAt: z.string().nullable(),
  }),
});
export type TWalletStatus = z.infer<typeof ZWalletStatus>;
