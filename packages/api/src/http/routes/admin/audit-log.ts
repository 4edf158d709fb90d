import { ZAuditLogEntry, ZAuditLogQuery, ZPage, ZPageQuery } from '@sge/shared';
import { listAuditLog } from '../../../domain/audit/list-audit-log';
import type { TRuntime } from '../../../runtime';
import { adminOf, authGuards, programFilterOf } from '../../plugins/auth';
import type { TApp } from '../../server';

/** The audit log: who did what, to what, before and after (a program key sees its program's entries). */
export function registerAdminAuditLogRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/audit-log',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Query the audit log (newest first)',
        security: [{ adminKey: [] }],
        querystring: ZAuditLogQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZAuditLogEntry) },
      },
    },
    async (request) => {
      const { query } = request;
      return await listAuditLog(runtime.readDatabase.db, {
        ...query,
        programId: programFilterOf(adminOf(request), query.programId),
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      });
    },
  );
}
