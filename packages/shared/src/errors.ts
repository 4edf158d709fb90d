import { z } from 'zod';

/**
 * Every error the HTTP API returns has this JSON shape (SPEC §6). `error` is one of ERROR_CODES; the HTTP
 * status of each code is decided in one table in the API (http/error-status.ts).
 */
export const ZErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type TErrorResponse = z.infer<typeof ZErrorResponse>;

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'PAYMENT_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  'PROGRAM_PAUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL',
  'DEPENDENCY_UNAVAILABLE',
  // Money (issue 5).
  'SIGNATURE_INVALID',
  'PAYOUT_SELF_APPROVAL',
  'INVALID_STATE',
  'AFFILIATE_EXISTS',
  'AFFILIATE_CODE_TAKEN',
  'AFFILIATE_DEPTH_EXCEEDED',
  'PAYOUT_NOTHING_PAYABLE',
  'LEDGER_UNBALANCED',
  // Coinbase Commerce (issue 6): a webhook delivery whose X-CC-Webhook-Signature is missing or wrong.
  'WEBHOOK_SIGNATURE_INVALID',
  // Claims (issue 6): eligibility, and POST /api/claim/record's on-chain verification.
  'ALREADY_CLAIMED',
  'CLAIM_NOT_ELIGIBLE',
  'INSUFFICIENT_BALANCE',
  'CLAIM_TX_NOT_FOUND',
  'CLAIM_TX_PENDING',
  'CLAIM_TX_FAILED',
  'CLAIM_TX_INVALID',
  // Custody (issue 17): a pending change approved by the admin who proposed it (same name or wallet).
  'CHANGE_SELF_APPROVAL',
  // Custody (issue 17): payout batches paid only with two approvers' EIP-712 signatures.
  'ADMIN_WALLET_REQUIRED',
  'PAYOUT_SIGNATURE_INVALID',
  'PAYOUT_NOT_APPROVER',
  'PAYOUT_ALREADY_SIGNED',
  'PAYOUT_CREATOR_SIGNATURE_MISSING',
  'PAYOUT_APPROVAL_EXPIRED',
  'PAYOUT_PAID_ON_CHAIN',
  // Proof of wallet and program gates (issue 18).
  'REGISTRATION_SIGNATURE_REQUIRED',
  'REGISTRATION_SIGNATURE_EXPIRED',
  'REGISTRATION_SIGNATURE_INVALID',
  'NOT_ALLOWLISTED',
  'CHALLENGE_REQUIRED',
  'CHALLENGE_FAILED',
  'PROGRAM_GATE_REQUIRED',
  // Payment providers (issue 19): a direct on-chain payment that is not the one asked for.
  'PAYMENT_TX_NOT_FOUND',
  'PAYMENT_TX_PENDING',
  'PAYMENT_TX_INVALID',
  'PAYMENT_WRONG_TOKEN',
  'PAYMENT_WRONG_RECIPIENT',
  'PAYMENT_UNDERPAID',
  'PAYMENT_EXPIRED',
  'PAYMENT_PROVIDER_MISMATCH',
  // Gasless claims and real-token behaviour (issue 19, parts 2 and 3).
  'WALLET_BLACKLISTED',
  'CLAIM_WOULD_REVERT',
  'GASLESS_NOT_SUPPORTED',
  'CLAIM_AUTHORIZATION_INVALID',
] as const;
export type TErrorCode = (typeof ERROR_CODES)[number];
