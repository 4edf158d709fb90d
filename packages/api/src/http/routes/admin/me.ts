import { ZAdminMe } from '@sge/shared';
import type { TRuntime } from '../../../runtime';
import { adminOf, authGuards } from '../../plugins/auth';
import type { TApp } from '../../server';

/**
 * `GET /api/admin/me`: who the presented credentials are — an admin (a person, with the wallet that signs
 * their payout approvals) or a program API key (automation, one program). The admin app uses it to show
 * who is signed in and which actions are theirs to take.
 */
export function registerAdminMeRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/me',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Who these admin credentials belong to: admin (name, wallet) or program key (its program)',
        security: [{ adminKey: [] }],
        response: { 200: ZAdminMe },
      },
    },
    async (request) => {
      const principal = adminOf(request);
      return {
        name: principal.actor,
        kind: principal.kind,
        wallet: principal.wallet,
        programId: principal.programId,
      };
    },
  );
}
