import {
  ZAdminAffiliate,
  ZAdminAffiliateDetail,
  ZAffiliatesQuery,
  ZIdParams,
  ZPage,
  ZPageQuery,
  ZReasonRequest,
} from '@sge/shared';
import { getAddress } from 'viem';
import {
  getAdminAffiliate,
  listAffiliates,
  toAdminAffiliate,
} from '../../../domain/affiliates/list-affiliates';
import { setAffiliateStatus } from '../../../domain/affiliates/set-affiliate-status';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminOf, authGuards, programFilterOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/** Affiliates: list, get, suspend, reinstate, terminate. */
export function registerAdminAffiliateRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;

  app.get(
    '/api/admin/affiliates',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List affiliates (newest first)',
        security,
        querystring: ZAffiliatesQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZAdminAffiliate) },
      },
    },
    async (request) => {
      const { query } = request;
      return await listAffiliates(readDb, {
        ...query,
        wallet: query.wallet ? getAddress(query.wallet) : undefined,
        programId: programFilterOf(adminOf(request), query.programId),
      });
    },
  );

  app.get(
    '/api/admin/affiliates/:id',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Get an affiliate with its balances',
        security,
        params: ZIdParams,
        response: { 200: ZAdminAffiliateDetail },
      },
    },
    async (request) => await getAdminAffiliate(db, request.params.id, programScopeOf(adminOf(request))),
  );

  for (const [verb, status] of [
    ['suspend', 'SUSPENDED'],
    ['reinstate', 'ACTIVE'],
    ['terminate', 'TERMINATED'],
  ] as const) {
    app.post(
      `/api/admin/affiliates/:id/${verb}`,
      {
        onRequest: guards.admin,
        schema: {
          tags: ['admin'],
          summary: {
            suspend:
              'Suspend an affiliate: no new commissions (forfeited to the platform), left out of payouts (audited)',
            reinstate: 'Reinstate a suspended affiliate (audited)',
            terminate:
              'Terminate an affiliate for good: as suspended, and it can never be reinstated (audited)',
          }[verb],
          security,
          params: ZIdParams,
          body: ZReasonRequest,
          response: { 200: ZAdminAffiliate },
        },
      },
      async (request) =>
        toAdminAffiliate(
          await setAffiliateStatus(db, actorOf(request), {
            affiliateId: request.params.id,
            status,
            reason: request.body.reason,
            programScope: programScopeOf(adminOf(request)),
          }),
        ),
    );
  }
}
