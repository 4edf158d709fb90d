import {
  RECONCILIATION_CHECKS,
  RECONCILIATION_LIVE_CHECKS,
  ZAdminIntent,
  ZIdParams,
  ZReconciliationLive,
  ZReconciliationRun,
  ZReconciliationRunSummary,
  ZReconciliationRuns,
  ZReconciliationRunsQuery,
  ZRetryStuckIntentRequest,
  ZRunReconciliationRequest,
} from '@sge/shared';
import { AppError } from '../../../domain/app-error';
import { writeAudit } from '../../../domain/audit/write-audit';
import { toAdminIntent } from '../../../domain/intents/list-intents';
import { reconciliationContextOf } from '../../../domain/reconciliation/reconciliation-context';
import {
  getLatestReconciliationRun,
  getReconciliationRun,
  listReconciliationRuns,
} from '../../../domain/reconciliation/reconciliation-runs';
import { retryStuckIntent } from '../../../domain/reconciliation/retry-stuck-intent';
import {
  executeReconciliationRun,
  runCheck,
  startReconciliationRun,
} from '../../../domain/reconciliation/run-reconciliation';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Reconciliation (admin keys only: a run covers every program):
 * - `POST /api/admin/reconciliation/run` starts a run now (202; it continues in this process, its results
 *   are stored check by check); 409 CONFLICT while another run is RUNNING. Audited (`reconciliation.run`).
 * - `GET /api/admin/reconciliation/runs` history (newest first), `GET .../runs/:id` and
 *   `GET /api/admin/reconciliation/latest` a run's results (404 before the first run).
 * - `GET /api/admin/reconciliation/live` the operational checks computed now (not stored): stuck intents,
 *   queue depth, worker heartbeats, processing time, pending payout batches, webhook failures.
 * - `POST /api/admin/reconciliation/stuck-intents/:id/retry {reason}` puts a stuck PROCESSING intent back to
 *   PENDING (program keys too, within their program). Audited (`intent.retry_stuck`).
 */
export function registerAdminReconciliationRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;
  const context = reconciliationContextOf(runtime);

  app.post(
    '/api/admin/reconciliation/run',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Run reconciliation now (all checks or the ones named); poll the run for its results',
        security,
        body: ZRunReconciliationRequest.nullish(),
        response: { 202: ZReconciliationRunSummary },
      },
    },
    async (request, reply) => {
      const who = actorOf(request);
      const checks = request.body?.checks ?? [...RECONCILIATION_CHECKS];
      const claimed = await startReconciliationRun(context, {
        trigger: 'MANUAL',
        slot: null,
        requestedBy: who.actor,
        checks,
      });
      if (!claimed) throw new AppError('CONFLICT', 'a reconciliation run could not be started');
      // The run row names who asked; the audit log records the action with the request id.
      await writeAudit(db, who, {
        action: 'reconciliation.run',
        programId: null,
        subjectType: 'reconciliation_run',
        subjectId: claimed.id,
        after: { checks },
      });
      void executeReconciliationRun(context, claimed.id, checks).catch((error: unknown) =>
        request.log.warn({ err: error, runId: claimed.id }, 'reconciliation run failed'),
      );
      const run = await getReconciliationRun(db, claimed.id);
      const { checks: _results, ...summary } = run;
      return reply.status(202).send(summary);
    },
  );

  app.get(
    '/api/admin/reconciliation/runs',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Reconciliation run history, newest first',
        security,
        querystring: ZReconciliationRunsQuery,
        response: { 200: ZReconciliationRuns },
      },
    },
    async (request) => await listReconciliationRuns(readDb, request.query),
  );

  app.get(
    '/api/admin/reconciliation/runs/:id',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'A reconciliation run with every check’s status, figures and findings',
        security,
        params: ZIdParams,
        response: { 200: ZReconciliationRun },
      },
    },
    async (request) => await getReconciliationRun(db, request.params.id),
  );

  app.get(
    '/api/admin/reconciliation/latest',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'The newest reconciliation run (running or finished) with its results',
        security,
        response: { 200: ZReconciliationRun },
      },
    },
    async () => {
      const run = await getLatestReconciliationRun(db);
      if (!run)
        throw new AppError('NOT_FOUND', 'no reconciliation run yet: POST /api/admin/reconciliation/run');
      return run;
    },
  );

  app.get(
    '/api/admin/reconciliation/live',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary:
          'Operational checks computed now: stuck intents, queues, workers, processing time, batches, webhooks',
        security,
        response: { 200: ZReconciliationLive },
      },
    },
    async () => {
      const checks = [];
      for (const name of RECONCILIATION_LIVE_CHECKS) checks.push(await runCheck(context, name));
      return { checkedAt: new Date().toISOString(), checks };
    },
  );

  app.post(
    '/api/admin/reconciliation/stuck-intents/:id/retry',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Retry a stuck intent (PROCESSING longer than INTENT_TIMEOUT_MINUTES): back to PENDING (audited)',
        security,
        params: ZIdParams,
        body: ZRetryStuckIntentRequest,
        response: { 200: ZAdminIntent },
      },
    },
    async (request) => {
      const intent = await retryStuckIntent(db, actorOf(request), {
        intentId: request.params.id,
        reason: request.body.reason,
        programScope: programScopeOf(adminOf(request)),
        timeoutMinutes: runtime.config.workers.intentTimeoutMinutes,
        now: new Date(),
      });
      return toAdminIntent(intent);
    },
  );
}
