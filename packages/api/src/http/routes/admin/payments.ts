import { ZChange, ZManualPayment, ZManualPaymentRequest } from '@sge/shared';
import { requestManualPayment } from '../../../domain/payments/request-manual-payment';
import type { TRuntime } from '../../../runtime';
import { adminActorOf, adminOf, authGuards, programOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Routes (written down once, here):
 * - `POST /api/admin/payments` (admins only; a program key is 403): manual payment entry. Records an
 *   off-chain payment for a wallet as a revenue settlement (domain/payments/record-manual-payment.ts): 201
 *   when recorded, 200 with the recorded payment when the same reference is sent again with the same
 *   content, 409 CONFLICT with different content. Above MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD it is
 *   202 with a PENDING MANUAL_PAYMENT change, recorded when a second admin approves it
 *   (`POST /api/admin/changes/:id/approve`).
 */
export function registerAdminPaymentRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;

  app.post(
    '/api/admin/payments',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary:
          'Record an off-chain payment for a wallet (revenue settlement, ledger, commissions; idempotent by reference; audited). Admins only; above the approval threshold it waits for a second admin (202 with the pending change)',
        security,
        body: ZManualPaymentRequest,
        response: { 200: ZManualPayment, 201: ZManualPayment, 202: ZChange },
      },
    },
    async (request, reply) => {
      const programId = programOf(adminOf(request), request.body.programId);
      const outcome = await requestManualPayment(
        db,
        adminActorOf(request),
        {
          programId,
          wallet: request.body.wallet,
          amount: BigInt(request.body.amount),
          currency: request.body.currency,
          reference: request.body.reference,
          note: request.body.note,
        },
        { thresholdMicroUsd: runtime.config.admin.manualPaymentApprovalThresholdMicroUsd },
      );
      if (outcome.status === 'PENDING_APPROVAL') return reply.status(202).send(outcome.change);
      return reply.status(outcome.payment.created ? 201 : 200).send(outcome.payment);
    },
  );
}
