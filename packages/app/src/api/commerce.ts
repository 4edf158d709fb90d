import { type TCommerceChargeView, type TCreateChargeRequest, ZCommerceChargeView } from '@sge/shared';
import { CHECKOUT_REQUEST_TIMEOUT_MS } from '../limits';
import { api } from './api';

/**
 * The Coinbase Commerce calls of the Register page's checkout, on the app's one API client: responses are
 * parsed with the schemas shared with the API, failures are ApiErrors.
 */

/** POST /api/commerce/charge: a charge whose `hostedUrl` is the checkout to open. */
export function createCharge(body: TCreateChargeRequest): Promise<TCommerceChargeView> {
  return api.send('POST', '/api/commerce/charge', ZCommerceChargeView, {
    body,
    timeoutMs: CHECKOUT_REQUEST_TIMEOUT_MS,
  });
}

/** GET /api/commerce/charge/:code: its status and whether it pays the gate. */
export function getCharge(code: string): Promise<TCommerceChargeView> {
  return api.send('GET', `/api/commerce/charge/${encodeURIComponent(code)}`, ZCommerceChargeView, {
    timeoutMs: CHECKOUT_REQUEST_TIMEOUT_MS,
  });
}
