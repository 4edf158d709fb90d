import { ZErrorResponse } from '@sge/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/app-error';
import {
  BUSINESS_PROVIDER,
  processBusinessEvent,
  type TBusinessEvent,
  verifyBusinessDelivery,
} from '../../../domain/commerce/receive-business-webhook';
import { throttledWarning } from '../../../logging/throttled-warning';
import { HOOK0_SIGNATURE_HEADER } from '../../../providers/hook0-signature';
import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';
import { WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE, WEBHOOK_REFUSAL_LOG_INTERVAL_MS } from './webhook';

export const BUSINESS_WEBHOOK_PATH = '/api/payments/business/webhook';

/**
 * POST /api/payments/business/webhook: Coinbase Business checkout events (issue 19), raw body kept for the
 * signature. 400 WEBHOOK_SIGNATURE_INVALID for a missing, wrong or older-than-5-minutes X-Hook0-Signature
 * (counted in sge_webhook_verification_failures_total{provider="coinbase_business"}), 400 VALIDATION_FAILED
 * for a body without event type, event id or checkout; 200 `{received, eventId, outcome}` once applied (or
 * before: duplicate); 5xx when processing failed (kept FAILED; Coinbase redelivers). Same per-IP limit as the
 * Commerce webhook.
 */
export function registerBusinessWebhookRoute(app: TApp, runtime: TRuntime) {
  const { db } = runtime.database;
  const warnRefused = throttledWarning(WEBHOOK_REFUSAL_LOG_INTERVAL_MS);
  app.register(async (scope: FastifyInstance) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      BUSINESS_WEBHOOK_PATH,
      {
        config: { rateLimit: { max: WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE, timeWindow: 60_000 } },
        schema: {
          tags: ['public'],
          summary:
            'Coinbase Business checkout webhook (X-Hook0-Signature: HMAC-SHA256 over timestamp, signed headers and raw body; 5-minute window)',
          headers: z.object({ [HOOK0_SIGNATURE_HEADER]: z.string().optional() }).loose(),
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
        let event: TBusinessEvent;
        try {
          event = verifyBusinessDelivery({
            rawBody,
            headers: request.headers,
            secret: runtime.config.business.webhookSecret,
          });
        } catch (error) {
          if (error instanceof AppError && error.code === 'WEBHOOK_SIGNATURE_INVALID') {
            runtime.metrics.webhookVerificationFailuresTotal.inc({ provider: BUSINESS_PROVIDER });
            warnRefused(request.log, { reason: error.message }, 'refused a Business webhook delivery');
          }
          throw error;
        }
        const result = await processBusinessEvent(db, event);
        if (result.applied?.payment?.created) {
          runtime.metrics.intentsTotal.inc({ type: 'COMMERCE_PAYMENT', status: 'CONFIRMED' });
        }
        request.log.info(
          { eventId: result.eventId, type: result.type, code: result.chargeCode, outcome: result.outcome },
          'Business webhook',
        );
        return { received: true as const, eventId: result.eventId, outcome: result.outcome };
      },
    );
  });
}
