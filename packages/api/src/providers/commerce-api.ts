import { z } from 'zod';
import { decimalToMicroUsd, microUsdToDecimal } from './decimal-amount';
import { ProviderError } from './provider-error';

export { decimalToMicroUsd, microUsdToDecimal };

/**
 * The Coinbase Commerce REST API, as the platform uses it (API version 2018-03-22):
 * - `POST {COINBASE_COMMERCE_API_URL}/charges` creates a charge: headers `X-CC-Api-Key`, `X-CC-Version`,
 *   body `{name, description, pricing_type: 'fixed_price', local_price: {amount, currency}, metadata,
 *   redirect_url, cancel_url}`; the answer's `data` has `id`, `code`, `hosted_url`, `expires_at`.
 * - `GET {COINBASE_COMMERCE_API_URL}/charges/:code` reads one back (with its `timeline` of statuses).
 *
 * Every failure (network, timeout, non-2xx, an answer without the fields above) becomes a ProviderError
 * here, with the cause kept (domain/payments/provider-call.ts makes it DEPENDENCY_UNAVAILABLE, 503). Nothing is retried here: a
 * charge creation that timed out may have created a charge, which is harmless (nobody can pay a charge
 * whose hosted URL they never received) and a new request creates another one.
 */

export const COMMERCE_API_VERSION = '2018-03-22';

/** How long one Commerce API call may take before it is abandoned (and answered with a 503). */
export const COMMERCE_API_TIMEOUT_MS = 10_000;

export type TCommerceChargeRequest = {
  name: string;
  description: string;
  /** The price in micro-USD; sent as a decimal string of dollars ("100.00"). */
  amountMicroUsd: bigint;
  metadata: { programId: string; wallet: string };
  redirectUrl: string;
  cancelUrl: string;
};

export type TCommerceCharge = {
  id: string;
  code: string;
  hostedUrl: string;
  expiresAt: Date | null;
  /** The charge's statuses so far, oldest first (Commerce's `timeline`). */
  timeline: { time: Date; status: string }[];
};

export interface TCommerceApi {
  createCharge(request: TCommerceChargeRequest): Promise<TCommerceCharge>;
  getCharge(code: string): Promise<TCommerceCharge>;
}

const ZChargeResponse = z.object({
  data: z
    .object({
      id: z.string().min(1),
      code: z.string().regex(/^[A-Z0-9]{4,32}$/),
      hosted_url: z.url(),
      expires_at: z.string().nullable().optional(),
      timeline: z.array(z.object({ time: z.string(), status: z.string() }).loose()).optional(),
    })
    .loose(),
});

/**
 * The Commerce REST client of Real mode.
 *
 * @example
 * const commerce = commerceRestApi({ apiUrl: 'https://api.commerce.coinbase.com', apiKey });
 * const charge = await commerce.createCharge({ name: 'SGE', description, amountMicroUsd: 100_000_000n,
 *   metadata: { programId, wallet }, redirectUrl, cancelUrl });
 */
export function commerceRestApi(options: {
  apiUrl: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): TCommerceApi {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? COMMERCE_API_TIMEOUT_MS;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<TCommerceCharge> {
    const what = `Coinbase Commerce ${method} ${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${options.apiUrl}${path}`, {
        method,
        headers: {
          'X-CC-Api-Key': options.apiKey,
          'X-CC-Version': COMMERCE_API_VERSION,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new ProviderError(`${what} did not answer: ${(cause as Error).message}`, { cause });
    }
    if (!response.ok) {
      // Commerce's errors are {error: {type, message}}; quote the message, never the request (it has the key).
      let detail = '';
      try {
        detail = String((JSON.parse(text) as { error?: { message?: unknown } }).error?.message ?? '');
      } catch {}
      throw new ProviderError(
        `${what} answered HTTP ${response.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`,
        { status: response.status },
      );
    }
    let parsed: z.infer<typeof ZChargeResponse>;
    try {
      parsed = ZChargeResponse.parse(JSON.parse(text));
    } catch (cause) {
      throw new ProviderError(`${what} answered without a charge's id, code and hosted_url`, { cause });
    }
    const { data } = parsed;
    return {
      id: data.id,
      code: data.code,
      hostedUrl: data.hosted_url,
      expiresAt: data.expires_at ? new Date(data.expires_at) : null,
      timeline: (data.timeline ?? []).map((entry) => ({ time: new Date(entry.time), status: entry.status })),
    };
  }

  return {
    createCharge: (request) =>
      call('POST', '/charges', {
        name: request.name,
        description: request.description,
        pricing_type: 'fixed_price',
        local_price: { amount: microUsdToDecimal(request.amountMicroUsd), currency: 'USD' },
        metadata: request.metadata,
        redirect_url: request.redirectUrl,
        cancel_url: request.cancelUrl,
      }),
    getCharge: (code) => call('GET', `/charges/${encodeURIComponent(code)}`),
  };
}
