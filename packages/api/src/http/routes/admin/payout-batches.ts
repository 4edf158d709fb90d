import {
  ZCreatePayoutBatchRequest,
  ZPage,
  ZPageQuery,
  ZPayoutBatch,
  ZPayoutBatchApproveRequest,
  ZPayoutBatchDetail,
  ZPayoutBatchIdParams,
  ZPayoutBatchListQuery,
  ZPayoutBatchReasonRequest,
} from '@sge/shared';
import type { Hex } from 'viem';
import { z } from 'zod';
import { approvePayoutBatch } from '../../../domain/payouts/approve-payout-batch';
import { createPayoutBatch } from '../../../domain/payouts/create-payout-batch';
import { getPayoutBatchDetail, listPayoutBatches } from '../../../domain/payouts/payout-batch-views';
import { releasePayoutBatch } from '../../../domain/payouts/release-payout-batch';
import { startPayoutBatchExecution } from '../../../domain/payouts/start-payout-batch-execution';
import { enqueuePayouts } from '../../../queue/payout-queue';
import type { TRuntime } from '../../../runtime';
import { payoutApprovalDeps, payoutBatchCreationDeps, payoutVoidDeps } from '../../payout-chain-deps';
import { actorOf, adminOf, authGuards, programFilterOf, programOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Payout batches: one admin creates and signs, a different one signs to approve (each with their wallet: the
 * payout contract pays only with both signatures), or anyone rejects / cancels before execution; then
 * execution is started and a worker pays the batch on-chain.
 */
export function registerAdminPayoutBatchRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  const detail = (batchId: string, scope: string | null) =>
    getPayoutBatchDetail(db, batchId, scope, runtime.explorerUrl);

  app.post(
    '/api/admin/payout-batches',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary: 'Create a payout batch from PAYABLE commissions at or above the minimum payout (audited)',
        security,
        body: ZCreatePayoutBatchRequest,
        response: { 201: ZPayoutBatchDetail },
      },
    },
    async (request, reply) => {
      const principal = adminOf(request);
      const programId = programOf(principal, request.body.programId);
      const { batch } = await createPayoutBatch(
        db,
        actorOf(request),
        { programId },
        payoutBatchCreationDeps(runtime),
      );
      return reply.status(201).send(await detail(batch.id, programScopeOf(principal)));
    },
  );

  app.get(
    '/api/admin/payout-batches',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List payout batches (newest first)',
        security,
        querystring: ZPayoutBatchListQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZPayoutBatch) },
      },
    },
    async (request) =>
      await listPayoutBatches(
        db,
        { ...request.query, programId: programFilterOf(adminOf(request), request.query.programId) },
        runtime.explorerUrl,
      ),
  );

  app.get(
    '/api/admin/payout-batches/:batchId',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Get a payout batch with its payouts',
        security,
        params: ZPayoutBatchIdParams,
        response: { 200: ZPayoutBatchDetail },
      },
    },
    async (request) => await detail(request.params.batchId, programScopeOf(adminOf(request))),
  );

  app.post(
    '/api/admin/payout-batches/:batchId/approve',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary:
          "Sign a batch with the admin's wallet (EIP-712 `approval.typedData`): its creator first, then a second admin, whose signature approves it (audited)",
        security,
        params: ZPayoutBatchIdParams,
        body: ZPayoutBatchApproveRequest,
        response: { 200: ZPayoutBatchDetail },
      },
    },
    async (request) => {
      const principal = adminOf(request);
      const scope = programScopeOf(principal);
      await approvePayoutBatch(
        db,
        { ...actorOf(request), wallet: principal.kind === 'admin' ? principal.wallet : null },
        { batchId: request.params.batchId, programScope: scope, signature: request.body.signature as Hex },
        payoutApprovalDeps(runtime),
      );
      return await detail(request.params.batchId, scope);
    },
  );

  for (const [verb, outcome] of [
    ['reject', 'REJECTED'],
    ['cancel', 'CANCELLED'],
  ] as const) {
    app.post(
      `/api/admin/payout-batches/:batchId/${verb}`,
      {
        onRequest: guards.person,
        schema: {
          tags: ['admin'],
          summary:
            verb === 'reject'
              ? 'Reject a batch awaiting approval; its commissions return to PAYABLE (audited)'
              : 'Cancel a batch that was not paid (awaiting approval, approved, or FAILED); a signed one is first voided on the payout contract; its commissions return to PAYABLE (audited)',
          security,
          params: ZPayoutBatchIdParams,
          body: ZPayoutBatchReasonRequest,
          response: { 200: ZPayoutBatchDetail },
        },
      },
      async (request) => {
        const scope = programScopeOf(adminOf(request));
        await releasePayoutBatch(
          db,
          actorOf(request),
          { batchId: request.params.batchId, programScope: scope, outcome, reason: request.body.reason },
          payoutVoidDeps(runtime),
        );
        return await detail(request.params.batchId, scope);
      },
    );
  }

  app.post(
    '/api/admin/payout-batches/:batchId/execute',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary:
          'Start paying an APPROVED batch on-chain: EXECUTING, with a PAYOUT intent a worker runs (202) (audited)',
        security,
        params: ZPayoutBatchIdParams,
        response: { 202: z.object({ batch: ZPayoutBatchDetail, intentId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const scope = programScopeOf(adminOf(request));
      const { intent } = await startPayoutBatchExecution(db, actorOf(request), {
        batchId: request.params.batchId,
        programScope: scope,
      });
      // Committed: wake a worker now (the sweeper would find it anyway).
      await enqueuePayouts(runtime.queue, [intent.id]).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not dispatch the payout; the sweeper will'),
      );
      return reply
        .status(202)
        .send({ batch: await detail(request.params.batchId, scope), intentId: intent.id });
    },
  );
}
