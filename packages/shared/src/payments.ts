import { z } from 'zod';
import { ZCommissionStatus } from './affiliates';
import { ZClaimToken, ZTxHash } from './claims';
import {
  MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD,
  MANUAL_PAYMENT_NOTE_LENGTH_MAX,
  MANUAL_PAYMENT_REFERENCE_LENGTH_MAX,
} from './limits';
import { ZTimestamp } from './pagination';
import { ZReferralInput, ZWalletInput } from './registration';
import { ZAddress } from './status';

/** Currencies a manual payment may be recorded in: all USD units with 6 decimals, at par. */
export const ZManualPaymentCurrency = z.enum(['USD', 'USDC', 'USDT']);
export type TManualPaymentCurrency = z.infer<typeof ZManualPaymentCurrency>;

/** A positive integer in the smallest unit (micro-USD), as a decimal string. */
export const ZPositiveAmountString = z
  .string()
  .regex(/^[1-9]\d{0,77}$/, 'a positive integer in the smallest unit (micro-USD: 6 decimals), as a string');

/** A manual payment's amount: positive, at most MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD (1,000,000 USD). */
export const ZManualPaymentAmount = ZPositiveAmountString.refine(
  (value) => !/^\d+$/.test(value) || BigInt(value) <= MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD,
  `at most ${MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD} micro-USD (1,000,000 USD) per manual payment`,
);

/**
 * The client's reference for a payment entered by hand (a bank transfer id, an invoice number): unique
 * per program, so entering the same payment twice records it once.
 */
export const ZManualPaymentReference = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(
    MANUAL_PAYMENT_REFERENCE_LENGTH_MAX,
    `must be at most ${MANUAL_PAYMENT_REFERENCE_LENGTH_MAX} characters`,
  )
  .regex(/^[A-Za-z0-9_.:#/-]+$/, 'letters, digits and _ . : # / - only');

/** POST /api/admin/payments: an off-chain payment an admin records for a wallet. */
export const ZManualPaymentRequest = z
  .object({
    programId: z.uuid().optional(),
    wallet: ZWalletInput,
    amount: ZManualPaymentAmount,
    currency: ZManualPaymentCurrency,
    reference: ZManualPaymentReference,
    note: z
      .string()
      .trim()
      .min(1, 'must say what the payment is')
      .max(MANUAL_PAYMENT_NOTE_LENGTH_MAX, `must be at most ${MANUAL_PAYMENT_NOTE_LENGTH_MAX} characters`),
  })
  .strict();
export type TManualPaymentRequest = z.infer<typeof ZManualPaymentRequest>;

/** A recorded manual payment: its COMMERCE_PAYMENT intent, settlement and the commissions it accrued. */
export const ZManualPayment = z.object({
  intentId: z.uuid(),
  settlementId: z.uuid(),
  programId: z.uuid(),
  wallet: ZAddress,
  amount: z.string(),
  currency: ZManualPaymentCurrency,
  reference: z.string(),
  note: z.string(),
  enteredBy: z.string(),
  createdAt: ZTimestamp,
  /** False when the reference had been recorded already with the same content (nothing was written). */
  created: z.boolean(),
  commissions: z.array(
    z.object({
      id: z.uuid(),
      affiliateId: z.uuid(),
      level: z.number().int(),
      amount: z.string(),
      status: ZCommissionStatus,
    }),
  ),
});
export type TManualPayment = z.infer<typeof ZManualPayment>;

/**
 * Direct on-chain payment (issue 19): POST /api/payments/onchain asks a wallet to pay the program's fee in
 * USDC or USDT straight to its treasury; the answer carries the exact transaction to send (an ERC-20
 * `transfer(treasury, amount)`), which the page sends with the wallet and reports with POST
 * /api/payments/onchain/:id/record {txHash} (the chain watcher records it too, whichever comes first).
 */
export const ZCreateOnchainPaymentRequest = z.object({
  wallet: ZWalletInput,
  token: ZClaimToken,
  ref: ZReferralInput.optional(),
});
export type TCreateOnchainPaymentRequest = z.infer<typeof ZCreateOnchainPaymentRequest>;

export const ZOnchainPayment = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  wallet: ZAddress,
  chainId: z.number().int(),
  token: ZClaimToken,
  tokenAddress: ZAddress,
  treasury: ZAddress,
  /** In the token's smallest unit (6 decimals), a decimal string. */
  amount: z.string(),
  status: z.enum(['PENDING', 'PAID', 'EXPIRED']),
  expiresAt: ZTimestamp,
  /** The transaction to send: `transfer(treasury, amount)` on the token. */
  transaction: z.object({ to: ZAddress, data: z.string(), value: z.literal('0') }),
  /** Once paid: the transfer that paid it. */
  paidBy: z
    .object({ txHash: z.string(), logIndex: z.number().int(), source: z.enum(['page', 'watcher']) })
    .nullable(),
});
export type TOnchainPayment = z.infer<typeof ZOnchainPayment>;

export const ZRecordOnchainPaymentRequest = z.object({ txHash: ZTxHash });
