import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../domain/app-error';
import { businessRestApi, type TBusinessApi } from '../../../providers/business-api';
import { commerceRestApi, type TCommerceApi } from '../../../providers/commerce-api';
import type { TRuntime } from '../../../runtime';

/**
 * What the Commerce routes share: the REST client (Real mode with COINBASE_COMMERCE_API_KEY), whether the
 * simulated checkout is on (Mock mode), the return-URL rule and the API's own webhook URL.
 */
export type TCommerceContext = {
  mock: boolean;
  api: TCommerceApi | null;
  /** The Business Checkouts client (Real mode with COINBASE_BUSINESS_API_KEY_ID and _SECRET). */
  business: TBusinessApi | null;
  /** Checks a checkout return URL (its origin must be the app's) or gives the default one. */
  returnUrl(requested: string | undefined): string;
  /** The API's public base URL as the client reached it (for the simulated checkout's hosted URL). */
  publicBaseUrl(request: FastifyRequest): string;
  /** The API's own webhook endpoint, over loopback (the simulated checkout POSTs its events there). */
  ownWebhookUrl(app: FastifyInstance, path?: string): string;
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function commerceContext(runtime: TRuntime): TCommerceContext {
  const { config } = runtime;
  const mock = config.mockMode;
  const api =
    !mock && config.commerce.apiKey
      ? commerceRestApi({ apiUrl: config.commerce.apiUrl, apiKey: config.commerce.apiKey })
      : null;
  const business =
    !mock && config.business.apiKeyId && config.business.apiKeySecret
      ? businessRestApi({
          apiUrl: config.business.apiUrl,
          apiKeyId: config.business.apiKeyId,
          apiKeySecret: config.business.apiKeySecret,
        })
      : null;
  const origins = new Set(config.http.appOrigins.map((origin) => new URL(origin).origin));
  const defaultReturnUrl = `${config.http.appOrigins[0] ?? 'http://localhost:5173'}/`;
  return {
    mock,
    api,
    business,
    returnUrl(requested) {
      if (requested === undefined) return defaultReturnUrl;
      const url = new URL(requested);
      // An open redirect would let anyone send users from the checkout to a page of their own.
      const allowed = origins.has(url.origin) || (mock && LOOPBACK_HOSTS.has(url.hostname));
      if (!allowed) {
        throw new AppError(
          'VALIDATION_FAILED',
          `body.returnUrl: must be a page of the app (${[...origins].join(', ')})`,
          { details: { field: 'body.returnUrl' } },
        );
      }
      return url.toString();
    },
    publicBaseUrl(request) {
      return `${request.protocol}://${request.host}`;
    },
    ownWebhookUrl(app, path = '/api/commerce/webhook') {
      const address = app.server.address();
      if (address === null || typeof address !== 'object') {
        throw new AppError('DEPENDENCY_UNAVAILABLE', 'the API is not listening; cannot deliver the webhook');
      }
      const host = address.family === 'IPv6' ? '[::1]' : '127.0.0.1';
      return `http://${host}:${address.port}${path}`;
    },
  };
}
