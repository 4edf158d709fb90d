import { z } from 'zod';
import { REASON_LENGTH_MAX } from './limits';
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
      status: z.enum(['PENDING', 'PAID', 'CANCELLED']),
    }),
  ),
});
export type TPayoutBatchDetail = z.infer<typeof ZPayoutBatchDetail>;

export const ZCreatePayoutBatchRequest = z.object({ programId: z.uuid().optional() }).strict();
export const ZPayoutBatchReasonRequest = z
  .object({ reason: z.string().trim().min(1).max(REASON_LENGTH_MAX) })
  .strict();
export const ZPayoutBatchIdParams = z.object({ batchId: z.uuid() });
export const ZPayoutBatchListQuery = z.object({
  programId: z.uuid().optional(),
  status: ZPayoutBatchStatus.optional(),
});
