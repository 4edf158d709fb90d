import { generateJwt } from '@coinbase/cdp-sdk/auth';
import { z } from 'zod';
import { decimalToMicroUsd } from './decimal-amount';
import { ProviderError } from './provider-error';

/**
 * The Coinbase Business Checkouts API (the successor of Commerce's charges), as the platform uses it:
 * - `POST {COINBASE_BUSINESS_API_URL}/checkouts` with `X-Idempotency-Key`: `{amount, currency: 'USDC',
 *   description, metadata, successRedirectUrl, failRedirectUrl, expiresAt?}` → a checkout `{id (24 hex),
 *   url, amount, currency, network, address, status, createdAt, updatedAt, expiresAt?, transactionHash?}`;
 * - `GET .../checkouts/:id` reads one back (statuses ACTIVE, PROCESSING, DEACTIVATED, EXPIRED, COMPLETED,
 *   FAILED, REFUNDED, PARTIALLY_REFUNDED);
 * - `POST .../checkouts/:id/refund` with `X-Idempotency-Key`: `{amount, currency, reason?}` → `{checkout, ...}`.
 * Every request carries `Authorization: Bearer <JWT>`: a CDP API key's JWT for that one request (claims
 * `sub` = key id, `iss` = "cdp", `uris` = ["<METHOD> <host><path>"], 2 minutes), made by `@coinbase/cdp-sdk`'s
 * generateJwt (ES256 or Ed25519 keys). Failures become ProviderError (never quoting the key or the JWT).
 */

/** How long one Business API call may take before it is abandoned (and answered with a 503). */
export const BUSINESS_API_TIMEOUT_MS = 10_000;

export const BUSINESS_CHECKOUT_STATUSES = [
  'ACTIVE',
  'PROCESSING',
  'DEACTIVATED',
  'EXPIRED',
  'COMPLETED',
  'FAILED',
  'REFUNDED',
  'PARTIALLY_REFUNDED',
] as const;
export type TBusinessCheckoutStatus = (typeof BUSINESS_CHECKOUT_STATUSES)[number];

export type TBusinessCheckoutRequest = {
  /** The price in micro-USD; a whole number of cents (the API takes at most 2 decimals). */
  amountMicroUsd: bigint;
  description: string;
  metadata: Record<string, string>;
  successRedirectUrl: string;
  failRedirectUrl: string;
  expiresAt?: Date;
};

export type TBusinessCheckout = {
  id: string;
  url: string;
  status: string;
  amountMicroUsd: bigint;
  currency: string;
  expiresAt: Date | null;
  updatedAt: Date | null;
  transactionHash: string | null;
  metadata: Record<string, string>;
};

export interface TBusinessApi {
  createCheckout(request: TBusinessCheckoutRequest, idempotencyKey: string): Promise<TBusinessCheckout>;
  getCheckout(id: string): Promise<TBusinessCheckout>;
  refundCheckout(
    id: string,
    refund: { amountMicroUsd: bigint; reason: string },
    idempotencyKey: string,
  ): Promise<TBusinessCheckout>;
}

/** The checkout resource (in answers and in webhook bodies): only the fields the platform reads are checked. */
export const ZBusinessCheckout = z
  .object({
    id: z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hexadecimal checkout id'),
    url: z.string().optional(),
    amount: z.string(),
    currency: z.string(),
    status: z.string(),
    expiresAt: z.string().nullable().optional(),
    updatedAt: z.string().nullable().optional(),
    transactionHash: z.string().nullable().optional(),
    metadata: z.record(z.string(), z.string()).nullable().optional(),
  })
  .loose();

/** The checkout as the platform keeps it. */
export function toBusinessCheckout(data: z.infer<typeof ZBusinessCheckout>): TBusinessCheckout {
  const amount = decimalToMicroUsd(data.amount);
  if (amount === null)
    throw new ProviderError(`checkout ${data.id} has an unreadable amount "${data.amount}"`);
  return {
    id: data.id.toLowerCase(),
    url: data.url ?? '',
    status: data.status,
    amountMicroUsd: amount,
    currency: data.currency,
    expiresAt: data.expiresAt ? new Date(data.expiresAt) : null,
    updatedAt: data.updatedAt ? new Date(data.updatedAt) : null,
    transactionHash: data.transactionHash ?? null,
    metadata: data.metadata ?? {},
  };
}

/** 100_000_000n → "100.00". The Business API takes at most two decimals: a fraction of a cent is refused. */
export function microUsdToCents(amountMicroUsd: bigint): string {
  if (amountMicroUsd <= 0n || amountMicroUsd % 10_000n !== 0n) {
    throw new ProviderError(`the Business API takes whole cents; ${amountMicroUsd} micro-USD is not one`);
  }
  const cents = amountMicroUsd / 10_000n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/**
 * The Business REST client of Real mode.
 *
 * @example
 * const business = businessRestApi({ apiUrl: 'https://business.coinbase.com/api/v1', apiKeyId, apiKeySecret });
 * const checkout = await business.createCheckout({ amountMicroUsd: 100_000_000n, description, metadata,
 *   successRedirectUrl, failRedirectUrl }, `checkout:${programId}:${requestId}`);
 */
export function businessRestApi(options: {
  apiUrl: string;
  apiKeyId: string;
  apiKeySecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): TBusinessApi {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? BUSINESS_API_TIMEOUT_MS;
  const base = new URL(options.apiUrl.replace(/\/+$/, ''));

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    idempotencyKey: string | null,
  ): Promise<TBusinessCheckout> {
    const url = new URL(`${base.pathname}${path}`, base);
    const what = `Coinbase Business ${method} ${url.pathname}`;
    let response: Response;
    let text: string;
    try {
      const jwt = await generateJwt({
        apiKeyId: options.apiKeyId,
        apiKeySecret: options.apiKeySecret,
        requestMethod: method,
        requestHost: url.host,
        requestPath: url.pathname,
      });
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${jwt}`,
          accept: 'application/json',
          ...(idempotencyKey === null ? {} : { 'x-idempotency-key': idempotencyKey }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new ProviderError(`${what} did not answer: ${(cause as Error).message.split('\n')[0]}`, {
        cause,
      });
    }
    if (!response.ok) {
      let detail = '';
      try {
        const parsed = JSON.parse(text) as { errorMessage?: unknown; message?: unknown };
        detail = String(parsed.errorMessage ?? parsed.message ?? '');
      } catch {}
      throw new ProviderError(
        `${what} answered HTTP ${response.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`,
        { status: response.status },
      );
    }
    try {
      const json = JSON.parse(text) as { checkout?: unknown };
      // The refund answers {checkout, ...}; the others answer the checkout itself.
      return toBusinessCheckout(ZBusinessCheckout.parse(json.checkout ?? json));
    } catch (cause) {
      if (cause instanceof ProviderError) throw cause;
      throw new ProviderError(`${what} answered without a checkout's id, amount and status`, { cause });
    }
  }

  return {
    createCheckout: (request, idempotencyKey) =>
      call(
        'POST',
        '/checkouts',
        {
          amount: microUsdToCents(request.amountMicroUsd),
          currency: 'USDC',
          description: request.description,
          metadata: request.metadata,
          successRedirectUrl: request.successRedirectUrl,
          failRedirectUrl: request.failRedirectUrl,
          ...(request.expiresAt ? { expiresAt: request.expiresAt.toISOString() } : {}),
        },
        idempotencyKey,
      ),
    getCheckout: (id) => call('GET', `/checkouts/${encodeURIComponent(id)}`, undefined, null),
    refundCheckout: (id, refund, idempotencyKey) =>
      call(
        'POST',
        `/checkouts/${encodeURIComponent(id)}/refund`,
        { amount: microUsdToCents(refund.amountMicroUsd), currency: 'USDC', reason: refund.reason },
        idempotencyKey,
      ),
  };
}
