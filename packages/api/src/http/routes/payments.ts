import {
  DEFAULT_PROGRAM_ID,
  ZCreateOnchainPaymentRequest,
  ZErrorResponse,
  ZOnchainPayment,
  ZRecordOnchainPaymentRequest,
} from '@sge/shared';
import type { Hex } from 'viem';
import { z } from 'zod';
import { claimEnvironment } from '../../domain/claims/claim-context';
import { createOnchainPayment } from '../../domain/payments/create-onchain-payment';
import { getOnchainPayment } from '../../domain/payments/get-onchain-payment';
import { reportOnchainPayment } from '../../domain/payments/report-onchain-payment';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/**
 * Direct on-chain payments (issue 19), for programs whose payment provider is `onchain`:
 * - POST /api/payments/onchain {wallet, token, ref?} (?programId=) → 201 the request and the exact
 *   `transfer(treasury, amount)` transaction for the wallet to send;
 * - POST /api/payments/onchain/:id/record {txHash} → 201 recorded now, 200 recorded already (the watcher's);
 * - GET /api/payments/onchain/:id → the request and what paid it.
 */
export function registerPaymentRoutes(app: TApp, runtime: TRuntime) {
  const env = claimEnvironment(runtime);
  const params = z.object({ id: z.uuid() });

  app.post(
    '/api/payments/onchain',
    {
      schema: {
        tags: ['public'],
        summary: "Ask a wallet to pay the program's fee in USDC/USDT directly to its treasury",
        querystring: z.object({ programId: z.uuid().optional() }),
        body: ZCreateOnchainPaymentRequest,
        response: { 201: ZOnchainPayment, 409: ZErrorResponse, 503: ZErrorResponse },
      },
      config: { idempotency: true },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createOnchainPayment(env, {
          programId: request.query.programId ?? DEFAULT_PROGRAM_ID,
          wallet: request.body.wallet,
          token: request.body.token,
          ttlMs: runtime.config.onchainPaymentTtlMs,
        }),
      ),
  );

  app.post(
    '/api/payments/onchain/:id/record',
    {
      schema: {
        tags: ['public'],
        summary:
          'Report the transaction that paid a direct payment; verified on the chain before anything is written',
        params,
        body: ZRecordOnchainPaymentRequest,
        response: {
          200: ZOnchainPayment,
          201: ZOnchainPayment,
          404: ZErrorResponse,
          409: ZErrorResponse,
          422: ZErrorResponse,
          503: ZErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { created, payment } = await reportOnchainPayment(env, {
        id: request.params.id,
        txHash: request.body.txHash as Hex,
      });
      if (created) runtime.metrics.intentsTotal.inc({ type: 'COMMERCE_PAYMENT', status: 'CONFIRMED' });
      return reply.status(created ? 201 : 200).send(payment);
    },
  );

  app.get(
    '/api/payments/onchain/:id',
    {
      schema: {
        tags: ['public'],
        summary: 'A direct payment request: amount, token, treasury, transaction, and what paid it',
        params,
        response: { 200: ZOnchainPayment, 404: ZErrorResponse },
      },
    },
    async (request) => await getOnchainPayment(runtime.database.db, request.params.id),
  );
}
