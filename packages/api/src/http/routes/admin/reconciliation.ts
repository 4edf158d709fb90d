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
import { toAdminIntent } from '../../../domain/intents/list-intents';
import {
  getLatestReconciliationRun,
  getReconciliationRun,
  listReconciliationRuns,
} from '../../../domain/reconciliation/reconciliation-runs';
import { requestReconciliationRun } from '../../../domain/reconciliation/request-reconciliation-run';
import { retryStuckIntent } from '../../../domain/reconciliation/retry-stuck-intent';
import { runCheck } from '../../../domain/reconciliation/run-reconciliation';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Reconciliation (admin keys only: a run covers every program):
 * - `POST /api/admin/reconciliation/run` starts an incremental run now, `POST /api/admin/reconciliation/full`
 *   a full re-check (every settlement, commission and ledger transaction again, with progress): 202 with the
 *   run, which waits in the queue for a worker (this process checks nothing); poll `GET .../runs/:id` for its
 *   progress and results. 409 CONFLICT while another run is RUNNING. Audited (`reconciliation.run`).
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
  const context = runtime.reconciliation;

  for (const [path, mode, summary] of [
    [
      '/api/admin/reconciliation/run',
      'INCREMENTAL',
      'Run reconciliation now (what is new since the last run; all checks or the ones named) in a worker; poll the run',
    ],
    [
      '/api/admin/reconciliation/full',
      'FULL',
      'Re-check everything (all history, all checks or the ones named) in a worker; poll the run for its progress',
    ],
  ] as const) {
    app.post(
      path,
      {
        onRequest: guards.globalAdmin,
        schema: {
          tags: ['admin'],
          summary,
          security,
          body: ZRunReconciliationRequest.nullish(),
          response: { 202: ZReconciliationRunSummary },
        },
      },
      async (request, reply) => {
        const checks = request.body?.checks ?? [...RECONCILIATION_CHECKS];
        const claimed = await requestReconciliationRun(context, actorOf(request), { checks, mode });
        const { checks: _results, ...run } = await getReconciliationRun(db, claimed.id);
        return reply.status(202).send(run);
      },
    );
  }

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
