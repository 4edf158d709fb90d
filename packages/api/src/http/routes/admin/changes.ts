import { ZChange, ZChangesQuery, ZIdParams, ZPage, ZPageQuery, ZReasonRequest } from '@sge/shared';
import { knownAddressesOf } from '../../../chain/known-addresses';
import { AppError } from '../../../domain/app-error';
import { approveChange } from '../../../domain/changes/approve-change';
import { getChange, listChanges } from '../../../domain/changes/list-changes';
import { rejectChange } from '../../../domain/changes/reject-change';
import type { TRuntime } from '../../../runtime';
import { adminActorOf, adminOf, authGuards, programFilterOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/**
 * Maker-checker (issue 17; domain/changes/). Routes (written down once, here):
 * - `GET /api/admin/changes?status=&kind=&programId=`: pending and decided changes, newest first (a program
 *   key sees its own program's, read only);
 * - `GET /api/admin/changes/:id`;
 * - `POST /api/admin/changes/:id/approve` (admins only): a second admin applies it — never its proposer
 *   (403 CHANGE_SELF_APPROVAL); 409 INVALID_STATE when it is no longer PENDING or has expired;
 * - `POST /api/admin/changes/:id/reject {reason}` (admins only, its proposer too).
 */
export function registerAdminChangeRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;

  app.get(
    '/api/admin/changes',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'List changes waiting for (or decided by) a second admin: program money settings and large manual payments',
        security,
        querystring: ZChangesQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZChange) },
      },
    },
    async (request) => {
      const { query } = request;
      return await listChanges(db, {
        status: query.status,
        kind: query.kind,
        programId: programFilterOf(adminOf(request), query.programId),
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  app.get(
    '/api/admin/changes/:id',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Get a change',
        security,
        params: ZIdParams,
        response: { 200: ZChange },
      },
    },
    async (request) => {
      const scope = programScopeOf(adminOf(request));
      const change = await getChange(db, request.params.id);
      if (!change || (scope && change.programId !== scope)) {
        throw new AppError('NOT_FOUND', `change ${request.params.id} not found`);
      }
      return change;
    },
  );

  app.post(
    '/api/admin/changes/:id/approve',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary:
          'Approve and apply a pending change (admins only; not its proposer: 403 CHANGE_SELF_APPROVAL; audited)',
        security,
        params: ZIdParams,
        response: { 200: ZChange },
      },
    },
    async (request) =>
      await approveChange(db, adminActorOf(request), request.params.id, {
        knownAddresses: knownAddressesOf(runtime),
      }),
  );

  app.post(
    '/api/admin/changes/:id/reject',
    {
      onRequest: guards.person,
      schema: {
        tags: ['admin'],
        summary: 'Reject a pending change with a reason; nothing of it is applied (admins only; audited)',
        security,
        params: ZIdParams,
        body: ZReasonRequest,
        response: { 200: ZChange },
      },
    },
    async (request) => await rejectChange(db, adminActorOf(request), request.params.id, request.body.reason),
  );
}
