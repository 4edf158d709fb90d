import { type TCommerceWebhookEnvelope, ZCommerceWebhookEnvelope } from '@sge/shared';
import { getAddress, isAddress } from 'viem';
import { decimalToMicroUsd } from '../../providers/commerce-api';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { processWebhookEvent, type TWebhookHooks } from '../payments/process-webhook-event';
import { applyChargeStatus, chargeStatusOfEvent, type TAppliedChargeStatus } from './apply-charge-status';
import { verifyCommerceSignature } from './commerce-signature';
import type { TChargeRow } from './record-charge-status';

/** `webhook_events.provider` of Coinbase Commerce events (their `event.id` is the row's primary key). */
export const COMMERCE_PROVIDER = 'coinbase_commerce';

export type TWebhookOutcome = {
  eventId: string;
  type: string;
  /**
   * processed: its effects committed now; duplicate: it had been processed before (nothing written);
   * ignored: recorded and acknowledged, but nothing to do (an event type or a charge the platform does not
   * track).
   */
  outcome: 'processed' | 'duplicate' | 'ignored';
  chargeCode: string;
  applied: TAppliedChargeStatus | null;
};

export type { TWebhookHooks };

/**
 * Verifies the signature of a delivery; throws WEBHOOK_SIGNATURE_INVALID (400) when it is missing or wrong
 * (or when no secret is configured: nothing can be verified). Parses the envelope; a malformed one is a
 * VALIDATION_FAILED (400). Neither writes anything.
 */
export function verifyCommerceDelivery(
  rawBody: Buffer,
  signature: string | string[] | undefined,
  secret: string | null,
): TCommerceWebhookEnvelope {
  if (secret === null) {
    throw new AppError(
      'WEBHOOK_SIGNATURE_INVALID',
      'no webhook shared secret is configured (COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET); refusing the delivery',
    );
  }
  if (signature === undefined || !verifyCommerceSignature(rawBody, signature, secret)) {
    throw new AppError(
      'WEBHOOK_SIGNATURE_INVALID',
      signature === undefined
        ? 'the X-CC-Webhook-Signature header is missing'
        : 'X-CC-Webhook-Signature does not match the body',
      { details: { field: 'headers.x-cc-webhook-signature' } },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'the webhook body is not JSON', { details: { field: 'body' } });
  }
  const parsed = ZCommerceWebhookEnvelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `body.${issue?.path.join('.') ?? ''}`;
    throw new AppError('VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`, {
      details: { field },
    });
  }
  return parsed.data;
}

/**
 * Processes one verified Commerce event exactly once (processWebhookEvent: the event row, its effects —
 * applyChargeStatus with the charge row locked — and PROCESSED in one transaction; FAILED and rethrown
 * otherwise, so Commerce redelivers).
 */
export async function processCommerceEvent(
  db: TDbExecutor,
  envelope: TCommerceWebhookEnvelope,
  hooks: TWebhookHooks = {},
): Promise<TWebhookOutcome> {
  const { event } = envelope;
  const processed = await processWebhookEvent(
    db,
    { id: event.id, provider: COMMERCE_PROVIDER, type: event.type, payload: JSON.stringify(envelope) },
    (tx) => applyEvent(tx, envelope),
    hooks,
  );
  return { eventId: event.id, type: event.type, chargeCode: event.data.code, ...processed };
}

/** The effects of one event. `note` is kept on the event row when there was nothing to do. */
async function applyEvent(
  tx: TDbExecutor,
  envelope: TCommerceWebhookEnvelope,
): Promise<{ result: TAppliedChargeStatus | null; note: string | null }> {
  const { event } = envelope;
  const status = chargeStatusOfEvent(event.type);
  if (status === null) return { result: null, note: `event type ${event.type} is not tracked` };
  const charge = await lockOrAdoptCharge(tx, envelope);
  if (!charge) return { result: null, note: `charge ${event.data.code} is not one of this platform's` };
  const result = await applyChargeStatus(tx, charge, status, {
    cause: 'webhook',
    webhookEventId: event.id,
    eventType: event.type,
    occurredAt: new Date(event.created_at),
    details: { pricing: event.data.pricing ?? null, timeline: event.data.timeline?.slice(-5) ?? null },
  });
  return { result, note: null };
}

/**
 * The charge of an event, locked. A charge the platform created but did not store (a crash between
 * Commerce's answer and the insert) is adopted from the event when its metadata names one of our programs
 * and a wallet and its price is in USD: a payment is never dropped for want of the row.
 */
async function lockOrAdoptCharge(
  tx: TDbExecutor,
  envelope: TCommerceWebhookEnvelope,
): Promise<TChargeRow | null> {
  const { data } = envelope.event;
  const found = await tx
    .selectFrom('commerce_charges')
    .selectAll()
    .where('code', '=', data.code)
    .forUpdate()
    .executeTakeFirst();
  if (found) return found;
  const programId = data.metadata?.programId;
  const wallet = data.metadata?.wallet;
  const local = data.pricing?.local;
  const amount = local?.amount ? decimalToMicroUsd(local.amount) : null;
  if (
    typeof programId !== 'string' ||
    !/^[0-9a-f-]{36}$/i.test(programId) ||
    typeof wallet !== 'string' ||
    !isAddress(wallet, { strict: false }) ||
    local?.currency !== 'USD' ||
    amount === null ||
    amount <= 0n
  ) {
    return null;
  }
  const program = await tx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
  if (!program) return null;
  await tx
    .insertInto('commerce_charges')
    .values({
      code: data.code,
      program_id: program.id,
      wallet: getAddress(wallet),
      hosted_url: typeof data.hosted_url === 'string' ? data.hosted_url : '',
      amount,
      currency: 'USD',
      commerce_id: data.id ?? null,
      source: 'COMMERCE',
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  return (
    (await tx
      .selectFrom('commerce_charges')
      .selectAll()
      .where('code', '=', data.code)
      .forUpdate()
      .executeTakeFirst()) ?? null
  );
}

/**
 * The whole webhook: verify, then process. Kept apart from HTTP so tests and tools can drive it.
 *
 * @example
 * const outcome = await receiveCommerceWebhook(db, { rawBody, signature, secret });
 */
export async function receiveCommerceWebhook(
  db: TDbExecutor,
  input: { rawBody: Buffer; signature: string | string[] | undefined; secret: string | null },
  hooks: TWebhookHooks = {},
): Promise<TWebhookOutcome> {
  const envelope = verifyCommerceDelivery(input.rawBody, input.signature, input.secret);
  return await processCommerceEvent(db, envelope, hooks);
}
