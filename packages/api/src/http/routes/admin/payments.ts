import { ZManualPayment, ZManualPaymentRequest } from '@sge/shared';
import { recordManualPayment } from '../../../domain/payments/record-manual-payment';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Routes (written down once, here):
 * - `POST /api/admin/payments`: manual payment entry. Records an off-chain payment for a wallet as a revenue
 *   settlement (domain/payments/record-manual-payment.ts): 201 when recorded, 200 with the recorded payment
 *   when the same reference is sent again with the same content, 409 CONFLICT with different content.
 */
export function registerAdminPaymentRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;

  app.post(
    '/api/admin/payments',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Record an off-chain payment for a wallet (revenue settlement, ledger, commissions; idempotent by reference; audited)',
        security,
        body: ZManualPaymentRequest,
        response: { 200: ZManualPayment, 201: ZManualPayment },
      },
    },
    async (request, reply) => {
      const programId = programOf(adminOf(request), request.body.programId);
      const payment = await recordManualPayment(db, actorOf(request), {
        programId,
        wallet: request.body.wallet,
        amount: BigInt(request.body.amount),
        currency: request.body.currency,
        reference: request.body.reference,
        note: request.body.note,
      });
      return reply.status(payment.created ? 201 : 200).send(payment);
    },
  );
}
