import { ZCommerceChargeCode, ZCommerceRefundResponse, ZReasonRequest } from '@sge/shared';
import { z } from 'zod';
import { refundCommerceCharge } from '../../../domain/commerce/refund-commerce-charge';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';
import type { TCommerceContext } from './commerce-context';

/**
 * POST /api/admin/commerce/charges/:code/refund {reason}: records that a Commerce payment was refunded
 * (made in Commerce's dashboard): revenue reversed, commissions cancelled or clawed back, charge REFUNDED,
 * audited (`commerce_charge.refund` and `settlement.refund`). Idempotent; 409 INVALID_STATE when unpaid.
 */
export function registerCommerceAdminRoutes(app: TApp, runtime: TRuntime, context: TCommerceContext) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  app.post(
    '/api/admin/commerce/charges/:code/refund',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Record the refund of a Commerce charge (reverses revenue and commissions; audited)',
        security: [{ adminKey: [] }],
        params: z.object({ code: ZCommerceChargeCode }),
        body: ZReasonRequest,
        response: { 200: ZCommerceRefundResponse },
      },
    },
    async (request) =>
      await refundCommerceCharge(db, request.params.code, request.body.reason, {
        who: actorOf(request),
        programScope: programScopeOf(adminOf(request)),
        business: context.business,
      }),
  );
}
