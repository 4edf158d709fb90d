import { z } from 'zod';
import { REASON_LENGTH_MAX, SIGNATURE_HEX_LENGTH_MAX } from './limits';
import { ZTimestamp, ZUnsignedAmountString } from './pagination';
import { ZAddress } from './status';

export const ZPayoutBatchStatus = z.enum([
  'PENDING_APPROVAL',
  'APPROVED',
  'REJECTED',
  'CANCELLED',
  'EXECUTING',
  'COMPLETED',
  'FAILED',
]);
export type TPayoutBatchStatus = z.infer<typeof ZPayoutBatchStatus>;

/** A payout in a batch: SKIPPED when the payout contract could not pay it (its transfer failed). */
export const ZPayoutStatus = z.enum(['PENDING', 'PAID', 'CANCELLED', 'SKIPPED']);

export const ZPayoutBatch = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  status: ZPayoutBatchStatus,
  currency: z.string(),
  total: ZUnsignedAmountString,
  payoutCount: z.number().int(),
  createdBy: z.string(),
  approvedBy: z.string().nullable(),
  rejectedBy: z.string().nullable(),
  reason: z.string().nullable(),
  intentId: z.uuid().nullable(),
  txHash: z.string().nullable(),
  txUrl: z.string().nullable(),
  createdAt: ZTimestamp,
  approvedAt: ZTimestamp.nullable(),
  completedAt: ZTimestamp.nullable(),
});
export type TPayoutBatch = z.infer<typeof ZPayoutBatch>;

export const ZPayoutBatchDetail = ZPayoutBatch.extend({
  payouts: z.array(
    z.object({
      id: z.uuid(),
      affiliateId: z.uuid(),
      affiliateCode: z.string(),
      wallet: ZAddress,
      /** Net amount: the affiliate's payable commissions minus open clawbacks. */
      amount: ZUnsignedAmountString,
      commissionCount: z.number().int(),
      commissionsAmount: ZUnsignedAmountString,
      clawbacksAmount: ZUnsignedAmountString,
      status: ZPayoutStatus,
      skipReason: z.string().nullable(),
    }),
  ),
  /**
   * What the approvers sign and who signed (null for a batch created before signed approvals): the EIP-712
   * typed data of SGEPayout's `PayoutBatch` (bigints as decimal strings), its deadline, and the signatures.
   * The creator signs first, then a second admin; with `required` signatures the batch is APPROVED.
   */
  approval: z
    .object({
      typedData: z.object({
        domain: z.record(z.string(), z.unknown()),
        types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
        primaryType: z.string(),
        message: z.record(z.string(), z.unknown()),
      }),
      deadline: ZTimestamp,
      payoutContract: ZAddress,
      token: ZAddress,
      chainId: z.number().int(),
      required: z.number().int(),
      signatures: z.array(z.object({ admin: z.string(), signer: ZAddress, signedAt: ZTimestamp })),
    })
    .nullable(),
});
export type TPayoutBatchDetail = z.infer<typeof ZPayoutBatchDetail>;

export const ZCreatePayoutBatchRequest = z.object({ programId: z.uuid().optional() }).strict();
/** An admin's EIP-712 signature of a batch's `approval.typedData`, from their wallet. */
export const ZPayoutBatchApproveRequest = z
  .object({
    signature: z
      .string()
      .max(SIGNATURE_HEX_LENGTH_MAX)
      .regex(/^0x([0-9a-fA-F]{2}){65,}$/, 'a hex signature of at least 65 bytes'),
  })
  .strict();
export type TPayoutBatchApproveRequest = z.infer<typeof ZPayoutBatchApproveRequest>;
export const ZPayoutBatchReasonRequest = z
  .object({ reason: z.string().trim().min(1).max(REASON_LENGTH_MAX) })
  .strict();
export const ZPayoutBatchIdParams = z.object({ batchId: z.uuid() });
export const ZPayoutBatchListQuery = z.object({
  programId: z.uuid().optional(),
  status: ZPayoutBatchStatus.optional(),
});
