import { ZCommission, ZCommissionsQuery, ZPage, ZPageQuery } from '@sge/shared';
import { listCommissions } from '../../../domain/commissions/list-commissions';
import type { TRuntime } from '../../../runtime';
import { adminOf, authGuards, programFilterOf } from '../../plugins/auth';
import type { TApp } from '../../server';

/** Commissions: list with filters. */
export function registerAdminCommissionRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/commissions',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List commissions (newest first) by status, affiliate, settlement, payout, program',
        security: [{ adminKey: [] }],
        querystring: ZCommissionsQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZCommission) },
      },
    },
    async (request) =>
      await listCommissions(runtime.readDatabase.db, {
        ...request.query,
        programId: programFilterOf(adminOf(request), request.query.programId),
      }),
  );
}
