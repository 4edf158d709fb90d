import { z } from 'zod';

/**
 * Proof of wallet for a registration (issue 18): the wallet signs this EIP-712 message, so nobody can
 * register a wallet — and lock its referral — without its owner. The domain binds the deployment's chain
 * (`name` "SGE", `version` "1", `chainId`); the message names the program, the wallet, the referral exactly as
 * sent in `ref` (after trimming; "" when there is none), the chain again and an expiry (unix seconds).
 *
 * @example
 * const typedData = registrationTypedData({ programId, wallet, referral: '', chainId: 31337, expiresAt });
 * const signature = await walletClient.signTypedData({ account, ...typedData });
 */
export const REGISTRATION_PROOF_DOMAIN_NAME = 'SGE';
export const REGISTRATION_PROOF_DOMAIN_VERSION = '1';
/** Furthest ahead a registration signature may expire: one day (a longer-lived one is refused). */
export const REGISTRATION_PROOF_TTL_SECONDS_MAX = 24 * 60 * 60;
/** Lifetime the app asks for when it signs: ten minutes. */
export const REGISTRATION_PROOF_TTL_SECONDS_DEFAULT = 10 * 60;
/** Longest signature accepted: an ERC-6492-wrapped contract-wallet signature carries deployment data. */
export const REGISTRATION_SIGNATURE_HEX_CHARS_MAX = 8_192;

export const REGISTRATION_PROOF_TYPES = {
  Registration: [
    { name: 'programId', type: 'string' },
    { name: 'wallet', type: 'address' },
    { name: 'referral', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'expiresAt', type: 'uint256' },
  ],
} as const;

/** A program's registration proof setting: `required` (default) or `none` (custodial imports). */
export const ZRegistrationProof = z.enum(['required', 'none']);
export type TRegistrationProof = z.infer<typeof ZRegistrationProof>;

export const ZRegistrationSignature = z
  .string()
  .regex(/^0x[0-9a-fA-F]+$/, 'must be 0x-prefixed hex')
  .min(132, 'must be at least a 65-byte signature')
  .max(REGISTRATION_SIGNATURE_HEX_CHARS_MAX, 'is too long');

export type TRegistrationTypedDataInput = {
  programId: string;
  wallet: `0x${string}`;
  /** The request's `ref` as sent (trimmed), or "" when it has none. */
  referral: string;
  chainId: number;
  /** Unix seconds. */
  expiresAt: number;
};

/** The EIP-712 typed data a wallet signs to register (viem's TypedDataDefinition shape). */
export function registrationTypedData(input: TRegistrationTypedDataInput) {
  return {
    domain: {
      name: REGISTRATION_PROOF_DOMAIN_NAME,
      version: REGISTRATION_PROOF_DOMAIN_VERSION,
      chainId: input.chainId,
    },
    types: REGISTRATION_PROOF_TYPES,
    primaryType: 'Registration' as const,
    message: {
      programId: input.programId,
      wallet: input.wallet,
      referral: input.referral,
      chainId: BigInt(input.chainId),
      expiresAt: BigInt(input.expiresAt),
    },
  };
}
