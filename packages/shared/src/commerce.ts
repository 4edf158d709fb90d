import { z } from 'zod';
import { ZReferralInput, ZWalletInput } from './registration';

/**
 * Coinbase Commerce: the API's request and response shapes (POST /api/commerce/charge, GET
 * /api/commerce/charge/:code, the admin refund) and the webhook envelope Commerce delivers to POST
 * /api/commerce/webhook (`{id, scheduled_for, event: {id, type, api_version, created_at, data}}`, API
 * version 2018-03-22).
 */

/** Statuses of a charge as the platform records them (the history of each change is kept too). */
export const COMMERCE_CHARGE_STATUSES = [
  'NEW',
  'PENDING',
  'CONFIRMED',
  'RESOLVED',
  'DELAYED',
  'FAILED',
  'EXPIRED',
  'CANCELED',
  'UNRESOLVED',
  'REFUNDED',
] as const;
export const ZCommerceChargeStatus = z.enum(COMMERCE_CHARGE_STATUSES);
export type TCommerceChargeStatus = z.infer<typeof ZCommerceChargeStatus>;

/** A Commerce charge code: Commerce's are 8 upper-case letters and digits; allow some room. */
export const ZCommerceChargeCode = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{4,32}$/, 'must be a charge code (4 to 32 upper-case letters and digits)');

export const ZCreateChargeRequest = z.object({
  wallet: ZWalletInput,
  email: z.email('must be an email address').max(254, 'must be at most 254 characters').optional(),
  /** The referral of the page the user pays from (`?ref=`): attributes the payment when nothing else does. */
  ref: ZReferralInput.optional(),
  /**
   * Where the checkout sends the user back to (the app's page); its origin must be one of APP_ORIGIN's
   * (Mock mode also accepts loopback origins). Default: the first APP_ORIGIN.
   */
  returnUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2_000)
    .optional(),
});
export type TCreateChargeRequest = z.infer<typeof ZCreateChargeRequest>;

export const ZCommerceChargeView = z.object({
  code: z.string(),
  programId: z.uuid(),
  wallet: z.string(),
  status: ZCommerceChargeStatus,
  /** The hosted checkout page (Commerce's in Real mode, the API's simulated one in Mock mode). */
  hostedUrl: z.string(),
  /** The price in micro-USD (6 decimals), a decimal string. */
  amount: z.string(),
  currency: z.literal('USD'),
  /** COMMERCE / BUSINESS: Coinbase's page; MOCK / MOCK_BUSINESS: Mock mode's simulation of it. */
  source: z.enum(['COMMERCE', 'MOCK', 'BUSINESS', 'MOCK_BUSINESS']),
  expiresAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  /** True when the wallet's payment gate is passed by this charge (confirmed and not refunded). */
  paid: z.boolean(),
  history: z.array(
    z.object({
      status: z.string(),
      cause: z.enum(['created', 'webhook', 'refresh', 'admin']),
      eventType: z.string().nullable(),
      occurredAt: z.string(),
    }),
  ),
});
export type TCommerceChargeView = z.infer<typeof ZCommerceChargeView>;

export const ZCommerceRefundResponse = z.object({
  code: z.string(),
  settlementId: z.uuid(),
  created: z.boolean(),
  cancelled: z.array(z.uuid()),
  clawedBack: z.array(z.uuid()),
});
export type TCommerceRefundResponse = z.infer<typeof ZCommerceRefundResponse>;

/** The webhook event types the platform acts on; any other type is recorded and acknowledged. */
export const COMMERCE_EVENT_TYPES = [
  'charge:created',
  'charge:pending',
  'charge:confirmed',
  'charge:failed',
  'charge:delayed',
  'charge:resolved',
  // Not sent by Commerce's 2018-03-22 webhooks (refunds are made in its dashboard): accepted so that an
  // operator's tooling can post a signed refund event; the admin endpoint is the usual path.
  'charge:refunded',
] as const;

/** The charge resource inside an event (`event.data`): only the fields the platform reads are checked. */
export const ZCommerceEventCharge = z
  .object({
    id: z.string().optional(),
    code: z.string().min(1).max(64),
    pricing: z
      .object({
        local: z.object({ amount: z.string(), currency: z.string() }).partial().optional(),
      })
      .partial()
      .optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    timeline: z.array(z.object({ time: z.string(), status: z.string() }).loose()).optional(),
  })
  .loose();

/** Commerce's webhook envelope. */
export const ZCommerceWebhookEnvelope = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  scheduled_for: z.string().optional(),
  event: z.object({
    id: z.string().min(1).max(200),
    type: z.string().min(1).max(100),
    api_version: z.string().optional(),
    created_at: z.string(),
    data: ZCommerceEventCharge,
  }),
});
export type TCommerceWebhookEnvelope = z.infer<typeof ZCommerceWebhookEnvelope>;
