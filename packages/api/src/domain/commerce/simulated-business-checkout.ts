import { createHash } from 'node:crypto';
import { microUsdToCents } from '../../providers/business-api';
import { HOOK0_SIGNATURE_HEADER, signHook0 } from '../../providers/hook0-signature';
import { AppError } from '../app-error';
import { MOCK_WEBHOOK_DELIVERY_TIMEOUT_MS } from './commerce-limits';
import type { TChargeRow } from './record-charge-status';
import type { TSimulatedOutcome } from './simulated-checkout';

/**
 * Mock mode's simulated Coinbase Business checkout (issue 19), as simulated-checkout.ts is Commerce's: what
 * the hosted page does when the user pays or cancels. It builds the event Business would send (CDP's envelope
 * `{eventId, eventType, timestamp, data: <checkout>}`), signs the raw body and its `content-type` and
 * `x-hook0-id` headers with Hook0's scheme (X-Hook0-Signature) and POSTs it to the API's own Business
 * webhook — the exact path a real delivery takes, signature check included. Event ids derive from (checkout,
 * type), so pressing Pay twice redelivers the same event (a duplicate).
 */
export const SIMULATED_BUSINESS_EVENTS: Record<TSimulatedOutcome, string> = {
  pay: 'checkout.payment.success',
  cancel: 'checkout.payment.failed',
};

export function simulatedBusinessEvent(charge: TChargeRow, type: string, at: Date): Record<string, unknown> {
  const paid = type === 'checkout.payment.success';
  const id = charge.commerce_id ?? charge.code.toLowerCase();
  return {
    eventId: createHash('sha256').update(`mock-business:${id}:${type}`).digest('hex').slice(0, 32),
    eventType: type,
    timestamp: at.toISOString(),
    data: {
      id,
      url: charge.hosted_url,
      amount: microUsdToCents(charge.amount),
      currency: 'USDC',
      network: 'base',
      status: paid ? 'COMPLETED' : 'FAILED',
      description: `SGE-ID for ${charge.wallet}`,
      metadata: { programId: charge.program_id, wallet: charge.wallet },
      createdAt: charge.created_at.toISOString(),
      updatedAt: at.toISOString(),
      ...(paid ? { transactionHash: `0x${createHash('sha256').update(id).digest('hex')}` } : {}),
    },
  };
}

/** Delivers the event of `outcome`, signed with `secret`; DEPENDENCY_UNAVAILABLE when it is not accepted. */
export async function deliverSimulatedBusinessCheckout(
  charge: TChargeRow,
  outcome: TSimulatedOutcome,
  options: { webhookUrl: string; secret: string; now?: () => Date },
): Promise<void> {
  const at = (options.now ?? (() => new Date()))();
  const type = SIMULATED_BUSINESS_EVENTS[outcome];
  const event = simulatedBusinessEvent(charge, type, at);
  const body = JSON.stringify(event);
  const signed = { 'content-type': 'application/json', 'x-hook0-id': String(event.eventId) };
  let response: Response;
  try {
    response = await fetch(options.webhookUrl, {
      method: 'POST',
      headers: {
        ...signed,
        [HOOK0_SIGNATURE_HEADER]: signHook0(body, signed, options.secret, Math.floor(at.getTime() / 1000)),
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
