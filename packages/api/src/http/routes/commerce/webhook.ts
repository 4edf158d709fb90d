import { ZErrorResponse } from '@sge/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/app-error';
import { COMMERCE_SIGNATURE_HEADER } from '../../../domain/commerce/commerce-signature';
import {
  COMMERCE_PROVIDER,
  processCommerceEvent,
  verifyCommerceDelivery,
} from '../../../domain/commerce/receive-commerce-webhook';
import { throttledWarning } from '../../../logging/throttled-warning';
import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';

/**
 * POST /api/commerce/webhook: Coinbase Commerce deliveries. The body is kept raw (a JSON parser returning
 * the bytes, registered in this route's own encapsulated scope only) because the signature is over the
 * exact bytes. Answers:
 * - 400 WEBHOOK_SIGNATURE_INVALID for a missing or wrong `X-CC-Webhook-Signature` (counted in
 *   sge_webhook_verification_failures_total{provider}), 400 VALIDATION_FAILED for a malformed envelope:
 *   nothing is written;
 * - 200 `{received: true, outcome}` once the event's effects have committed (or had before: duplicate);
 * - 5xx when processing failed: the event is kept FAILED and Commerce redelivers it.
 * Rate-limited per IP on its own (WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE, not the public endpoints' limit:
 * Commerce delivers from few addresses, in bursts after an outage), so a flood of forged deliveries costs a
 * bounded number of HMACs; refused deliveries are counted in the metric each, logged once per
 * WEBHOOK_REFUSAL_LOG_INTERVAL_MS with the number left out.
 */
export const WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE = 1_200;
/** One warning line per minute at most for refused (bad signature) deliveries, per process. */
export const WEBHOOK_REFUSAL_LOG_INTERVAL_MS = 60_000;

export function registerCommerceWebhookRoute(app: TApp, runtime: TRuntime) {
  const { db } = runtime.database;
  const warnRefused = throttledWarning(WEBHOOK_REFUSAL_LOG_INTERVAL_MS);
  app.register(async (scope: FastifyInstance) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/commerce/webhook',
      {
        config: { rateLimit: { max: WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE, timeWindow: 60_000 } },
        schema: {
          tags: ['public'],
          summary: 'Coinbase Commerce webhook (X-CC-Webhook-Signature: HMAC-SHA256 of the raw body)',
          headers: z.object({ [COMMERCE_SIGNATURE_HEADER]: z.string().optional() }).loose(),
          response: {
            200: z.object({
              received: z.literal(true),
              eventId: z.string(),
              outcome: z.enum(['processed', 'duplicate', 'ignored']),
            }),
            400: ZErrorResponse,
          },
        },
      },
      async (request) => {
        const rawBody = request.body;
        if (!Buffer.isBuffer(rawBody)) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the webhook body must be application/json');
        }
        let envelope: ReturnType<typeof verifyCommerceDelivery>;
        try {
          envelope = verifyCommerceDelivery(
            rawBody,
            request.headers[COMMERCE_SIGNATURE_HEADER],
            runtime.config.commerce.webhookSecret,
          );
        } catch (error) {
          if (error instanceof AppError && error.code === 'WEBHOOK_SIGNATURE_INVALID') {
            runtime.metrics.webhookVerificationFailuresTotal.inc({ provider: COMMERCE_PROVIDER });
            warnRefused(request.log, { reason: error.message }, 'refused a Commerce webhook delivery');
          }
          throw error;
        }
        const result = await processCommerceEvent(db, envelope);
        if (result.applied?.payment?.created) {
          runtime.metrics.intentsTotal.inc({ type: 'COMMERCE_PAYMENT', status: 'CONFIRMED' });
        }
        request.log.info(
          { eventId: result.eventId, type: result.type, code: result.chargeCode, outcome: result.outcome },
          'Commerce webhook',
        );
        return { received: true as const, eventId: result.eventId, outcome: result.outcome };
      },
    );
  });
}
