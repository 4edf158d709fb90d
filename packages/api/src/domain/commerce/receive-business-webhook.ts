import type { TCommerceChargeStatus } from '@sge/shared';
import { getAddress, isAddress } from 'viem';
import { type TBusinessCheckout, toBusinessCheckout, ZBusinessCheckout } from '../../providers/business-api';
import { HOOK0_TOLERANCE_SECONDS, type THook0Refusal, verifyHook0 } from '../../providers/hook0-signature';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { processWebhookEvent, type TWebhookHooks } from '../payments/process-webhook-event';
import { applyChargeStatus, type TAppliedChargeStatus } from './apply-charge-status';
import type { TChargeRow } from './record-charge-status';

/**
 * Coinbase Business checkout webhooks (issue 19). Key formats (written down once, here):
 * - `webhook_events.id` = `business:<event id>` (provider `coinbase_business`); the event id is the body's
 *   `eventId`, else a signed `x-hook0-id` / `x-event-id` header;
 * - a Business checkout is a `commerce_charges` row with code = its 24-hex id upper-cased, `commerce_id` =
 *   the id, source BUSINESS (MOCK_BUSINESS in Mock mode), so charges, payments (`commerce:<program>:<code>`),
 *   refunds and the payment gate treat it as any checkout.
 */
export const BUSINESS_PROVIDER = 'coinbase_business';

const EVENT_ID_HEADERS = ['x-hook0-id', 'x-event-id'] as const;

export type TBusinessEvent = {
  eventId: string;
  type: string;
  checkout: TBusinessCheckout;
  occurredAt: Date;
  payload: string;
};

export type TBusinessWebhookOutcome = {
  eventId: string;
  type: string;
  outcome: 'processed' | 'duplicate' | 'ignored';
  chargeCode: string;
  applied: TAppliedChargeStatus | null;
};

const REFUSALS: Record<THook0Refusal, string> = {
  missing: 'the X-Hook0-Signature header is missing',
  malformed: 'X-Hook0-Signature is not of the form t=<seconds>,h=<headers>,v1=<hex>',
  mismatch: 'X-Hook0-Signature does not match the delivery',
  expired: `the delivery was signed more than ${HOOK0_TOLERANCE_SECONDS / 60} minutes ago (or ahead): refused as a possible replay`,
};

/**
 * Verifies a delivery (X-Hook0-Signature over timestamp, signed headers and raw body, constant time, within
 * 5 minutes) and reads its event: WEBHOOK_SIGNATURE_INVALID (400) when refused, VALIDATION_FAILED (400) for
 * a body without an event type, an event id or a checkout. Writes nothing.
 */
export function verifyBusinessDelivery(input: {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  secret: string | null;
  nowSeconds?: number;
}): TBusinessEvent {
  if (input.secret === null) {
    throw new AppError(
      'WEBHOOK_SIGNATURE_INVALID',
      'no Business webhook secret is configured (COINBASE_BUSINESS_WEBHOOK_SECRET); refusing the delivery',
    );
  }
  const verified = verifyHook0({
    rawBody: input.rawBody,
    headers: input.headers,
    secret: input.secret,
    nowSeconds: input.nowSeconds ?? Date.now() / 1000,
  });
  if (!verified.ok) {
    throw new AppError('WEBHOOK_SIGNATURE_INVALID', REFUSALS[verified.refusal], {
      details: { field: 'headers.x-hook0-signature', refusal: verified.refusal },
    });
  }
  const invalid = (field: string, message: string) =>
    new AppError('VALIDATION_FAILED', `${field}: ${message}`, { details: { field } });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(input.rawBody.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('body', 'the webhook body is not JSON');
  }
  if (json === null || typeof json !== 'object') throw invalid('body', 'must be an object');
  // CDP's envelope {eventId, eventType, timestamp, data: <checkout>} or the checkout itself with eventType.
  const data =
    typeof json.data === 'object' && json.data !== null ? (json.data as Record<string, unknown>) : null;
  const resource = data ? (data.checkout ?? data) : json;
  const parsed = ZBusinessCheckout.safeParse(resource);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`body.${data ? 'data.' : ''}${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
  }
  const type = json.eventType;
  if (typeof type !== 'string' || type.length === 0 || type.length > 100) {
    throw invalid('body.eventType', 'must name the event type');
  }
  const signedId = EVENT_ID_HEADERS.find((name) => verified.signedHeaders.includes(name));
  const headerId = signedId ? input.headers[signedId] : undefined;
  const eventId =
    typeof json.eventId === 'string' ? json.eventId : typeof headerId === 'string' ? headerId : null;
  if (eventId === null || eventId.length === 0 || eventId.length > 180) {
    throw invalid('body.eventId', 'the delivery names no event id (body eventId or a signed x-hook0-id)');
  }
  let checkout: TBusinessCheckout;
  try {
    checkout = toBusinessCheckout(parsed.data);
  } catch (cause) {
    throw invalid('body.amount', (cause as Error).message);
  }
  const at = typeof json.timestamp === 'string' ? new Date(json.timestamp) : null;
  const occurredAt =
    at && !Number.isNaN(at.getTime()) ? at : (checkout.updatedAt ?? new Date(verified.timestamp * 1000));
  return { eventId, type, checkout, occurredAt, payload: input.rawBody.toString('utf8') };
}

/** The charge status a Business event reports (null: recorded, nothing to change). */
function statusOfEvent(
  event: TBusinessEvent,
  charge: TChargeRow,
): { status: TCommerceChargeStatus | null; note: string | null } {
  const { checkout } = event;
  switch (event.type) {
    case 'checkout.payment.success':
      if (checkout.currency !== 'USDC' && checkout.currency !== 'USD') {
        return { status: 'UNRESOLVED', note: `paid in ${checkout.currency}, not USDC` };
      }
      if (checkout.amountMicroUsd < charge.amount) {
        return {
          status: 'UNRESOLVED',
          note: `checkout amount ${checkout.amountMicroUsd} is below the charge's ${charge.amount} micro-USD`,
        };
      }
      return { status: 'CONFIRMED', note: null };
    case 'checkout.payment.failed':
      return { status: 'FAILED', note: null };
    case 'checkout.payment.expired':
      return { status: 'EXPIRED', note: null };
    case 'checkout.refund.success':
      // Only a full refund undoes the payment; a partial one is recorded on the event.
      return checkout.status === 'REFUNDED'
        ? { status: 'REFUNDED', note: null }
        : { status: null, note: `partial refund (checkout ${checkout.status}); the payment stands` };
    case 'checkout.refund.failed':
      return { status: null, note: 'Coinbase reports the refund failed; the payment stands' };
    default:
      return { status: null, note: `event type ${event.type} is not tracked` };
  }
}

/** The checkout's charge row, locked; adopted from its metadata when the platform did not store it. */
async function lockOrAdoptCheckout(tx: TDbExecutor, checkout: TBusinessCheckout): Promise<TChargeRow | null> {
  const code = checkout.id.toUpperCase();
  const find = () =>
    tx
      .selectFrom('commerce_charges')
      .selectAll()
      .where('code', '=', code)
      .where('source', 'in', ['BUSINESS', 'MOCK_BUSINESS'])
      .forUpdate()
      .executeTakeFirst();
  const found = await find();
  if (found) return found;
  const { programId, wallet } = checkout.metadata;
  if (!programId || !/^[0-9a-f-]{36}$/i.test(programId) || !wallet || !isAddress(wallet, { strict: false })) {
    return null;
  }
  const program = await tx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
  if (!program || checkout.amountMicroUsd <= 0n) return null;
  await tx
    .insertInto('commerce_charges')
    .values({
      code,
      program_id: program.id,
      wallet: getAddress(wallet),
      hosted_url: checkout.url,
      amount: checkout.amountMicroUsd,
      currency: 'USD',
      commerce_id: checkout.id,
      source: 'BUSINESS',
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  return (await find()) ?? null;
}

/**
 * Processes one verified Business event exactly once (processWebhookEvent), in any order: a late
 * `payment.failed` never undoes a payment, a `refund.success` before the payment leaves the checkout
 * REFUNDED so the payment is never recorded, a redelivery is a duplicate.
 *
 * @example
 * const outcome = await processBusinessEvent(db, verifyBusinessDelivery({ rawBody, headers, secret }));
 */
export async function processBusinessEvent(
  db: TDbExecutor,
  event: TBusinessEvent,
  hooks: TWebhookHooks = {},
): Promise<TBusinessWebhookOutcome> {
  const chargeCode = event.checkout.id.toUpperCase();
  const processed = await processWebhookEvent(
    db,
    {
      id: `business:${event.eventId}`,
      provider: BUSINESS_PROVIDER,
      type: event.type,
      payload: event.payload,
    },
    async (tx) => {
      const charge = await lockOrAdoptCheckout(tx, event.checkout);
      if (!charge)
        return { result: null, note: `checkout ${event.checkout.id} is not one of this platform's` };
      const { status, note } = statusOfEvent(event, charge);
      if (status === null) return { result: null, note };
      const result = await applyChargeStatus(tx, charge, status, {
        cause: 'webhook',
        webhookEventId: `business:${event.eventId}`,
        eventType: event.type,
        occurredAt: event.occurredAt,
        details: {
          checkoutStatus: event.checkout.status,
          transactionHash: event.checkout.transactionHash,
          note,
        },
      });
      return { result, note };
    },
    hooks,
  );
  return { eventId: event.eventId, type: event.type, chargeCode, ...processed };
}
