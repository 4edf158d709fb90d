import {
  type TCommerceChargeView,
  type TCreateChargeRequest,
  ZCommerceChargeView,
  ZErrorResponse,
} from '@sge/shared';
import { apiBaseUrl } from './api';
import { ApiError } from './api-error';

/**
 * How long a checkout call may take: creating a charge in Real mode waits for Coinbase Commerce's API (the
 * API gives it 10 s), so this is longer than the API client's API_REQUEST_TIMEOUT_MS.
 */
export const CHECKOUT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * The Coinbase Commerce calls of the Register page's checkout: POST /api/commerce/charge and GET
 * /api/commerce/charge/:code, parsed with the schemas shared with the API. Failures are ApiErrors, like
 * the main client's.
 */
async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<TCommerceChargeView> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${apiBaseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(CHECKOUT_REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    throw new ApiError(
      {
        failure: timedOut ? { kind: 'timeout', timeoutMs: CHECKOUT_REQUEST_TIMEOUT_MS } : { kind: 'network' },
        method,
        path,
        message: cause instanceof Error ? cause.message : String(cause),
      },
      { cause },
    );
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!response.ok) {
    const shape = ZErrorResponse.safeParse(json);
    throw new ApiError({
      failure: shape.success
        ? { kind: 'api', status: response.status, code: shape.data.error, details: shape.data.details }
        : { kind: 'http', status: response.status, statusText: response.statusText },
      method,
      path,
      message: shape.success ? shape.data.message : `HTTP ${response.status}`,
      requestId: response.headers.get('x-request-id'),
    });
  }
  const parsed = ZCommerceChargeView.safeParse(json);
  if (!parsed.success) {
    throw new ApiError({
      failure: { kind: 'invalid-response', status: response.status, issues: [parsed.error.message] },
      method,
      path,
      message: 'The charge does not match the expected shape',
    });
  }
  return parsed.data;
}

/** POST /api/commerce/charge: a charge whose `hostedUrl` is the checkout to open. */
export function createCharge(body: TCreateChargeRequest): Promise<TCommerceChargeView> {
  return call('POST', '/api/commerce/charge', body);
}

/** GET /api/commerce/charge/:code: its status and whether it pays the gate. */
export function getCharge(code: string): Promise<TCommerceChargeView> {
  return call('GET', `/api/commerce/charge/${encodeURIComponent(code)}`);
}
