import {
  DEFAULT_PROGRAM_ID,
  type TCreateChargeRequest,
  ZCommerceChargeCode,
  ZCommerceChargeView,
  ZCreateChargeRequest,
  ZErrorResponse,
} from '@sge/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TPaymentProviderName } from '../../../db/schema';
import { AppError } from '../../../domain/app-error';
import { createCommerceCharge, type TChargeMaker } from '../../../domain/commerce/create-commerce-charge';
import { getCommerceCharge, refreshCommerceCharge } from '../../../domain/commerce/get-commerce-charge';
import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';
import type { TCommerceContext } from './commerce-context';

const ZProgramQuery = z.object({ programId: z.uuid().optional() });
const ZProgramParams = z.object({ programId: z.uuid() });

/**
 * Routes:
 * - POST /api/commerce/charge {wallet, email?, ref?, returnUrl?} (default program, or ?programId=) and its
 *   program-aware twin POST /api/v2/programs/:programId/commerce/charge → 201 with the charge (hostedUrl:
 *   Commerce's checkout in Real mode, the API's simulated one in Mock mode). Honours Idempotency-Key.
 * - GET /api/commerce/charge/:code → the stored charge, its history and whether it pays the gate; in Real
 *   mode a charge that is not final is refreshed from Commerce first, at most every CHARGE_REFRESH_AFTER_MS.
 */
export function registerCommerceChargeRoutes(app: TApp, runtime: TRuntime, context: TCommerceContext) {
  const { db } = runtime.database;

  const create = async (request: FastifyRequest, programId: string, body: TCreateChargeRequest) => {
    const returnUrl = context.returnUrl(body.returnUrl);
    const checkoutBaseUrl = context.publicBaseUrl(request);
    // The program's payment provider decides (issue 19); Mock mode simulates either checkout.
    const makers = (provider: TPaymentProviderName): TChargeMaker =>
      context.mock
        ? {
            kind: 'mock',
            checkoutBaseUrl,
            provider: provider === 'coinbase-business' ? 'coinbase-business' : 'coinbase-commerce',
          }
        : provider === 'coinbase-business'
          ? { kind: 'business', api: context.business }
          : { kind: 'commerce', api: context.api };
    return await createCommerceCharge(db, makers, {
      programId,
      wallet: body.wallet,
      email: body.email ?? null,
      ref: body.ref ?? null,
      returnUrl,
    });
  };

  const schema = {
    tags: ['public'],
    summary: "Create a Coinbase Commerce charge for the program's fee (the payment gate)",
    description:
      'Real mode: a charge through the Coinbase Commerce API. Mock mode: a simulated checkout served by this API, ' +
      'which delivers signed webhooks exactly as Commerce does. 409 when the wallet has paid already.',
    body: ZCreateChargeRequest,
    response: { 201: ZCommerceChargeView, 409: ZErrorResponse, 503: ZErrorResponse },
  };

  app.post(
    '/api/commerce/charge',
    { schema: { ...schema, querystring: ZProgramQuery }, config: { idempotency: true } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await create(request, request.query.programId ?? DEFAULT_PROGRAM_ID, request.body)),
  );

  app.post(
    '/api/v2/programs/:programId/commerce/charge',
    { schema: { ...schema, params: ZProgramParams }, config: { idempotency: true } },
    async (request, reply) =>
      reply.status(201).send(await create(request, request.params.programId, request.body)),
  );

  app.get(
    '/api/commerce/charge/:code',
    {
      schema: {
        tags: ['public'],
        summary: 'A Commerce charge: status, history, and whether it pays the gate',
        params: z.object({ code: ZCommerceChargeCode }),
        response: { 200: ZCommerceChargeView, 404: ZErrorResponse },
      },
    },
    async (request) => {
      const { code } = request.params;
      if (context.api) {
        await refreshCommerceCharge(db, context.api, code).catch((error: unknown) =>
          // The stored state is still the truth we have; the webhook (or the next refresh) brings the rest.
          request.log.warn({ err: error, code }, 'could not refresh the charge from Commerce'),
        );
      }
      const charge = await getCommerceCharge(db, code);
      if (!charge) throw new AppError('NOT_FOUND', `charge ${code} not found`);
      return charge;
    },
  );
}
