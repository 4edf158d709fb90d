import { z } from 'zod';
import { ZAffiliateProfile, ZSignature } from './affiliates';
import { SIWE_MESSAGE_LENGTH_MAX } from './limits';
import { ZTimestamp } from './pagination';
import { ZAddress } from './status';

/** POST /api/auth/siwe/nonce */
export const ZSiweNonceRequest = z.object({ programId: z.uuid().optional() }).strict();
export const ZSiweNonceResponse = z.object({
  nonce: z.string(),
  expiresAt: ZTimestamp,
  programId: z.uuid(),
  /** The chain id the message must name. */
  chainId: z.number().int(),
});
export type TSiweNonceResponse = z.infer<typeof ZSiweNonceResponse>;

/** POST /api/auth/siwe/verify: an EIP-4361 message with the nonce above, and its signature. */
export const ZSiweVerifyRequest = z
  .object({ message: z.string().min(1).max(SIWE_MESSAGE_LENGTH_MAX), signature: ZSignature })
  .strict();
export const ZSiweVerifyResponse = z.object({
  /** Send as `Authorization: Bearer <token>` to /api/affiliate/... */
  token: z.string(),
  expiresAt: ZTimestamp,
  wallet: ZAddress,
  programId: z.uuid(),
  /** The wallet's affiliate profile in the program, or null when it has not registered yet. */
  affiliate: ZAffiliateProfile.nullable(),
});
export type TSiweVerifyResponse = z.infer<typeof ZSiweVerifyResponse>;
