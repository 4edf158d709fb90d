import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { COMMERCE_API_VERSION, microUsdToDecimal } from '../../providers/commerce-api';
import { AppError } from '../app-error';
import { MOCK_WEBHOOK_DELIVERY_TIMEOUT_MS } from './commerce-limits';
import { COMMERCE_SIGNATURE_HEADER, signCommercePayload } from './commerce-signature';
import type { TChargeRow } from './record-charge-status';

/**
 * Mock mode's simulated Commerce checkout: what the hosted page does when the user pays or cancels. It
 * builds the events Commerce would send (the same envelope `{id, scheduled_for, event: {id, type,
 * api_version, created_at, data}}`, `data` shaped like a Commerce charge resource), signs each raw body with
 * the webhook shared secret into `X-CC-Webhook-Signature`, and POSTs it to the API's own webhook endpoint —
 * the exact path a real Commerce delivery takes, signature check included.
 *
 * Event ids are derived from (charge code, event type), so pressing Pay twice redelivers the same event (a
 * duplicate, as a Commerce retry would be) instead of inventing a second payment.
 */
export type TSimulatedOutcome = 'pay' | 'cancel';

/** The event types one outcome delivers, in order (Commerce sends pending before confirmed). */
export const SIMULATED_EVENTS: Record<TSimulatedOutcome, readonly string[]> = {
  pay: ['charge:pending', 'charge:confirmed'],
  cancel: ['charge:failed'],
};

function eventIdOf(code: string, type: string): string {
  const hex = createHash('sha256').update(`mock-commerce:${code}:${type}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The Commerce-shaped event envelope for `type` on `charge`, created at `at`. */
export function simulatedEvent(charge: TChargeRow, type: string, at: Date): Record<string, unknown> {
  const created = charge.created_at.toISOString();
  const amount = microUsdToDecimal(charge.amount);
  const timeline: { time: string; status: string }[] = [{ time: created, status: 'NEW' }];
  if (type === 'charge:pending' || type === 'charge:confirmed')
    timeline.push({ time: at.toISOString(), status: 'PENDING' });
  if (type === 'charge:confirmed') timeline.push({ time: at.toISOString(), status: 'COMPLETED' });
  if (type === 'charge:failed') timeline.push({ time: at.toISOString(), status: 'CANCELED' });
  const paid = type === 'charge:pending' || type === 'charge:confirmed';
  return {
    id: randomUUID(),
    scheduled_for: at.toISOString(),
    event: {
      id: eventIdOf(charge.code, type),
      resource: 'event',
      type,
      api_version: COMMERCE_API_VERSION,
      created_at: at.toISOString(),
      data: {
        id: charge.commerce_id,
        resource: 'charge',
        code: charge.code,
        name: 'SGE (Mock checkout)',
        description: `SGE-ID for ${charge.wallet}`,
        hosted_url: charge.hosted_url,
        created_at: created,
        expires_at: charge.expires_at?.toISOString() ?? null,
        ...(type === 'charge:confirmed' ? { confirmed_at: at.toISOString() } : {}),
        pricing_type: 'fixed_price',
        pricing: { local: { amount, currency: 'USD' }, usdc: { amount, currency: 'USDC' } },
        metadata: { programId: charge.program_id, wallet: charge.wallet },
        payments: paid
          ? [
              {
                network: 'ethereum',
                transaction_id: `0x${randomBytes(32).toString('hex')}`,
                status: type === 'charge:confirmed' ? 'CONFIRMED' : 'PENDING',
                value: { local: { amount, currency: 'USD' }, crypto: { amount, currency: 'USDC' } },
              },
            ]
          : [],
        timeline,
      },
    },
  };
}

/**
 * Delivers the events of `outcome` for `charge` to `webhookUrl`, one after the other, each signed with
 * `secret`. Throws DEPENDENCY_UNAVAILABLE when the endpoint does not accept one (the page then says so and
 * the user can press the button again: the same event ids are redelivered).
 */
export async function deliverSimulatedCheckout(
  charge: TChargeRow,
  outcome: TSimulatedOutcome,
  options: { webhookUrl: string; secret: string; now?: () => Date },
): Promise<void> {
  const now = options.now ?? (() => new Date());
  for (const type of SIMULATED_EVENTS[outcome]) {
    const body = JSON.stringify(simulatedEvent(charge, type, now()));
    let response: Response;
    try {
      response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [COMMERCE_SIGNATURE_HEADER]: signCommercePayload(body, options.secret),
        },
        body,
        signal: AbortSignal.timeout(MOCK_WEBHOOK_DELIVERY_TIMEOUT_MS),
      });
      await response.text();
    } catch (cause) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', `the webhook endpoint did not answer ${type}`, { cause });
    }
    if (!response.ok) {
      throw new AppError(
        'DEPENDENCY_UNAVAILABLE',
        `the webhook endpoint answered ${type} with HTTP ${response.status}`,
      );
    }
  }
}
