import { z } from 'zod';
import { ZAffiliateBalances, ZAffiliateStatus, ZCommissionStatus } from './affiliates';
import { REASON_LENGTH_MAX } from './limits';
import { ZTimestamp, ZUnsignedAmountString } from './pagination';
import { ZAddress } from './status';

/** A free-text reason for an admin action (reject, cancel, suspend, retry). */
export const ZReasonRequest = z.object({ reason: z.string().trim().min(1).max(REASON_LENGTH_MAX) }).strict();

export const ZIdParams = z.object({ id: z.uuid() });

// Users.
export const ZUsersQuery = z.object({
  programId: z.uuid().optional(),
  wallet: ZAddress.optional(),
  referredBy: z.uuid().optional(),
  claimStatus: z.enum(['UNCLAIMED', 'CLAIMED']).optional(),
});
export const ZAdminUser = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  wallet: ZAddress,
  referredByAffiliateId: z.uuid().nullable(),
  tokenId: z.string().nullable(),
  registeredAt: ZTimestamp.nullable(),
  claimStatus: z.enum(['UNCLAIMED', 'CLAIMED']),
  claimedAt: ZTimestamp.nullable(),
  createdAt: ZTimestamp,
});

// Intents.
export const ZIntentType = z.enum(['REGISTER', 'CLAIM', 'COMMERCE_PAYMENT', 'PAYOUT']);
export const ZIntentStatus = z.enum(['PENDING', 'PROCESSING', 'CONFIRMED', 'FAILED']);
export const ZIntentsQuery = z.object({
  programId: z.uuid().optional(),
  type: ZIntentType.optional(),
  status: ZIntentStatus.optional(),
  wallet: ZAddress.optional(),
});
export const ZAdminIntent = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  type: ZIntentType,
  idempotencyKey: z.string(),
  wallet: z.string().nullable(),
  status: ZIntentStatus,
  statusReason: z.string().nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: ZTimestamp,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
  confirmedAt: ZTimestamp.nullable(),
});
export const ZAdminIntentDetail = ZAdminIntent.extend({
  payload: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  events: z.array(
    z.object({
      fromStatus: ZIntentStatus.nullable(),
      toStatus: ZIntentStatus,
      reason: z.string().nullable(),
      at: ZTimestamp,
    }),
  ),
});

// Settlements.
export const ZSettlementsQuery = z.object({
  programId: z.uuid().optional(),
  kind: ZIntentType.optional(),
  wallet: ZAddress.optional(),
  from: ZTimestamp.optional(),
  to: ZTimestamp.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export const ZAdminSettlement = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  intentId: z.uuid(),
  kind: ZIntentType,
  wallet: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  providerRef: z.string().nullable(),
  amount: ZUnsignedAmountString,
  currency: z.string(),
  refunded: z.boolean(),
  verifiedAt: ZTimestamp.nullable(),
  createdAt: ZTimestamp,
});

// Affiliates (admin view).
export const ZAffiliatesQuery = z.object({
  programId: z.uuid().optional(),
  status: ZAffiliateStatus.optional(),
  code: z.string().max(32).optional(),
  wallet: ZAddress.optional(),
  parentId: z.uuid().optional(),
});
export const ZAdminAffiliate = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  wallet: ZAddress,
  code: z.string(),
  parentId: z.uuid().nullable(),
  depth: z.number().int(),
  status: ZAffiliateStatus,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export const ZAdminAffiliateDetail = ZAdminAffiliate.extend({
  parentCode: z.string().nullable(),
  referrals: z.number().int(),
  children: z.number().int(),
  balances: ZAffiliateBalances,
});

// Commissions.
export const ZCommissionsQuery = z.object({
  programId: z.uuid().optional(),
  status: ZCommissionStatus.optional(),
  affiliateId: z.uuid().optional(),
  settlementId: z.uuid().optional(),
  payoutId: z.uuid().optional(),
});

// Audit log.
export const ZAuditLogQuery = z.object({
  programId: z.uuid().optional(),
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  subjectType: z.string().max(100).optional(),
  subjectId: z.string().max(100).optional(),
  from: ZTimestamp.optional(),
  to: ZTimestamp.optional(),
});
export const ZAuditLogEntry = z.object({
  id: z.number().int(),
  at: ZTimestamp,
  actor: z.string(),
  action: z.string(),
  programId: z.uuid().nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
});

// Program API keys.
export const ZApiKeyName = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, '1-64 of A-Z a-z 0-9 _ . @ -');
export const ZCreateApiKeyRequest = z.object({ name: ZApiKeyName }).strict();
export const ZApiKey = z.object({
  id: z.uuid(),
  programId: z.uuid(),
  name: z.string(),
  /** First characters of the key, to recognise it; the key itself is shown once, at creation. */
  keyPrefix: z.string(),
  createdBy: z.string(),
  createdAt: ZTimestamp,
  revokedAt: ZTimestamp.nullable(),
  revokedBy: z.string().nullable(),
});
export const ZCreatedApiKey = ZApiKey.extend({
  /** The secret: send as `x-admin-key` or `Authorization: Bearer`. Shown only in this response. */
  key: z.string(),
});

// Retry of a FAILED intent.
export const ZRetryIntentRequest = ZReasonRequest;

/**
 * GET /api/admin/me: who the credentials belong to. An admin is a person (`kind: 'admin'`, every program,
 * the wallet that signs their payout approvals or null); a program API key is automation
 * (`kind: 'program-key'`, its one program, no wallet) and cannot move money.
 */
export const ZAdminMe = z.object({
  name: z.string(),
  kind: z.enum(['admin', 'program-key']),
  wallet: ZAddress.nullable(),
  programId: z.uuid().nullable(),
});
export type TAdminMe = z.infer<typeof ZAdminMe>;

/** GET /api/admin/fund-check: the relayer's balance, what it still pays for, and whether to refill it. */
export const ZFundCheck = z.object({
  address: z.string(),
  chainId: z.number(),
  balanceWei: z.string(),
  balanceEth: z.string(),
  nextBaseFeeWei: z.string(),
  priorityFeeWei: z.string(),
  mintGasEstimate: z.string(),
  /** ethereum | op-stack | arbitrum: how the chain charges a transaction (ARCHITECTURE.md). */
  feeModel: z.enum(['ethereum', 'op-stack', 'arbitrum']),
  /** L2 execution per SGE-ID: mintGasEstimate × (next base fee + priority fee). */
  executionCostPerMintWei: z.string(),
  /** The rollup's L1 component per SGE-ID (OP-stack L1 data fee, Arbitrum L1 gas); 0 on Ethereum. */
  l1FeePerMintWei: z.string(),
  costPerMintWei: z.string(),
  mintsRemaining: z.string(),
  warningEth: z.string(),
  criticalEth: z.string(),
  warning: z.boolean(),
  critical: z.boolean(),
  pendingTransactions: z.number(),
});
export type TFundCheck = z.infer<typeof ZFundCheck>;

/** A job queue as GET /api/admin/queues lists it: jobs waiting (not running) and whether it is paused. */
export const ZQueueState = z.object({ name: z.string(), paused: z.boolean(), depth: z.number().int() });
export type TQueueState = z.infer<typeof ZQueueState>;
