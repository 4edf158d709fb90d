import {
  ZAdminIntent,
  ZAdminIntentDetail,
  ZAdminUser,
  ZIdParams,
  ZIntentsQuery,
  ZPage,
  ZPageQuery,
  ZRetryIntentRequest,
  ZUsersQuery,
} from '@sge/shared';
import { getAddress } from 'viem';
import { getIntentDetail, listIntents, toAdminIntent } from '../../../domain/intents/list-intents';
import { retryIntent } from '../../../domain/intents/retry-intent';
import { listUsers } from '../../../domain/users/list-users';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programFilterOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/** Users and intents: lists with filters, one intent with its history, retry of a FAILED intent. */
export function registerAdminUserAndIntentRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;

  app.get(
    '/api/admin/users',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List users (newest first)',
        security,
        querystring: ZUsersQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZAdminUser) },
      },
    },
    async (request) => {
      const { query } = request;
      return await listUsers(readDb, {
        ...query,
        wallet: query.wallet ? getAddress(query.wallet) : undefined,
        programId: programFilterOf(adminOf(request), query.programId),
      });
    },
  );

  app.get(
    '/api/admin/intents',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List intents (newest first) by type, status, wallet, program',
        security,
        querystring: ZIntentsQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZAdminIntent) },
      },
    },
    async (request) => {
      const { query } = request;
      return await listIntents(readDb, {
        ...query,
        wallet: query.wallet ? getAddress(query.wallet) : undefined,
        programId: programFilterOf(adminOf(request), query.programId),
      });
    },
  );

  app.get(
    '/api/admin/intents/:id',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Get an intent with its payload, result and status history',
        security,
        params: ZIdParams,
        response: { 200: ZAdminIntentDetail },
      },
    },
    async (request) => await getIntentDetail(readDb, request.params.id, programScopeOf(adminOf(request))),
  );

  app.post(
    '/api/admin/intents/:id/retry',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Retry a FAILED intent: back to PENDING with attempts reset (audited)',
        security,
        params: ZIdParams,
        body: ZRetryIntentRequest,
        response: { 200: ZAdminIntent },
      },
    },
    async (request) =>
      toAdminIntent(
        await retryIntent(db, actorOf(request), {
          intentId: request.params.id,
          reason: request.body.reason,
          programScope: programScopeOf(adminOf(request)),
        }),
      ),
  );
}
