import {
  ZApiKey,
  ZCreateApiKeyRequest,
  ZCreatedApiKey,
  ZCreateProgramRequest,
  ZIdParams,
  ZPage,
  ZPageQuery,
  ZProgram,
  ZProgramIdParams,
  ZProgramStats,
  ZProgramWithPendingChange,
  ZUpdateProgramRequest,
} from '@sge/shared';
import { z } from 'zod';
import { knownAddressesOf } from '../../../chain/known-addresses';
import { AppError } from '../../../domain/app-error';
import { listProgramApiKeys } from '../../../domain/auth/list-program-api-keys';
import { createProgramApiKey, revokeProgramApiKey } from '../../../domain/auth/program-api-keys';
import { parseAllowlist, replaceAllowlist } from '../../../domain/gates/replace-allowlist';
import { createProgram } from '../../../domain/programs/create-program';
import { getProgram } from '../../../domain/programs/get-program';
import { listPrograms } from '../../../domain/programs/list-programs';
import { splitMoneySettings } from '../../../domain/programs/program-money-settings';
import { programStats } from '../../../domain/programs/program-stats';
import { toProgramView } from '../../../domain/programs/program-view';
import { requestProgramUpdate } from '../../../domain/programs/request-program-update';
import { updateProgram } from '../../../domain/programs/update-program';
import type { TRuntime } from '../../../runtime';
import { actorOf, adminActorOf, adminOf, authGuards, programOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];
/** An allowlist upload of ALLOWLIST_SIZE_MAX wallets in CSV (43 bytes a line) fits. */
const ALLOWLIST_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

function toApiKeyView(row: {
  id: string;
  program_id: string;
  name: string;
  key_prefix: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
}) {
  return {
    id: row.id,
    programId: row.program_id,
    name: row.name,
    keyPrefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
  };
}

/** Programs (CRUD, pause/resume, stats) and their program-scoped API keys. */
export function registerAdminProgramRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;

  app.post(
    '/api/admin/programs',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary:
          'Create a program (admins only). Money settings that differ from the defaults wait for a second admin: the program starts PAUSED with a pending change (pendingChange)',
        security,
        body: ZCreateProgramRequest,
        response: { 201: ZProgramWithPendingChange },
      },
    },
    async (request, reply) => {
      const { program, pendingChange } = await createProgram(db, adminActorOf(request), request.body, {
        knownAddresses: knownAddressesOf(runtime),
      });
      return reply.status(201).send({ ...toProgramView(program), pendingChange });
    },
  );

  app.get(
    '/api/admin/programs',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'List programs (a program key sees only its own)',
        security,
        querystring: ZPageQuery,
        response: { 200: ZPage(ZProgram) },
      },
    },
    async (request) => {
      const scope = programScopeOf(adminOf(request));
      return await listPrograms(
        db,
        { scope, cursor: request.query.cursor, limit: request.query.limit },
        toProgramView,
      );
    },
  );

  app.get(
    '/api/admin/programs/:programId',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Get a program',
        security,
        params: ZProgramIdParams,
        response: { 200: ZProgram },
      },
    },
    async (request) => {
      const programId = programOf(adminOf(request), request.params.programId);
      return toProgramView(await getProgram(db, programId));
    },
  );

  app.patch(
    '/api/admin/programs/:programId',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Update whitelisted fields of a program (audited). Money settings (commission levels, hold, minimum payout, fee, claim amount, treasury and contract addresses) become a pending change for a second admin (202, pendingChange); a program key cannot change them (403)',
        security,
        params: ZProgramIdParams,
        body: ZUpdateProgramRequest,
        response: { 200: ZProgramWithPendingChange, 202: ZProgramWithPendingChange },
      },
    },
    async (request, reply) => {
      const principal = adminOf(request);
      const programId = programOf(principal, request.params.programId);
      if (principal.kind !== 'admin') {
        const money = Object.keys(splitMoneySettings(request.body).money);
        if (money.length > 0) {
          throw new AppError(
            'FORBIDDEN',
            `body.${money[0]}: money settings (${money.join(', ')}) need an admin (a person) and a second admin's approval; a program API key cannot change them`,
            { details: { field: `body.${money[0]}`, fields: money } },
          );
        }
        const program = await updateProgram(db, actorOf(request), programId, request.body);
        return { ...toProgramView(program), pendingChange: null };
      }
      const { program, pendingChange } = await requestProgramUpdate(
        db,
        adminActorOf(request),
        programId,
        request.body,
        { knownAddresses: knownAddressesOf(runtime) },
      );
      return reply.status(pendingChange ? 202 : 200).send({ ...toProgramView(program), pendingChange });
    },
  );

  // Allowlist gate (issue 18): CSV text (one address per line) or a JSON list; the upload replaces the list.
  app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.put(
      '/api/admin/programs/:programId/allowlist',
      {
        onRequest: guards.admin,
        bodyLimit: ALLOWLIST_BODY_LIMIT_BYTES,
        schema: {
          tags: ['admin'],
          summary:
            'Replace the allowlist of a program (text/csv: one wallet per line; or JSON: a list of wallets), audited',
          security,
          params: ZProgramIdParams,
          response: { 200: z.object({ programId: z.uuid(), count: z.number().int() }) },
        },
      },
      async (request) => {
        const params = request.params as { programId: string };
        const programId = programOf(adminOf(request), params.programId);
        const { count } = await replaceAllowlist(
          db,
          actorOf(request),
          programId,
          parseAllowlist(request.body),
        );
        return { programId, count };
      },
    );
  });

  for (const [verb, status] of [
    ['pause', 'PAUSED'],
    ['resume', 'ACTIVE'],
  ] as const) {
    app.post(
      `/api/admin/programs/:programId/${verb}`,
      {
        onRequest: guards.admin,
        schema: {
          tags: ['admin'],
          summary:
            verb === 'pause'
              ? 'Pause a program: it accepts no new intents until resumed (audited)'
              : 'Resume a paused program (audited)',
          security,
          params: ZProgramIdParams,
          response: { 200: ZProgram },
        },
      },
      async (request) => {
        const programId = programOf(adminOf(request), request.params.programId);
        return toProgramView(
          await updateProgram(db, actorOf(request), programId, { status }, `program.${verb}`),
        );
      },
    );
  }

  app.get(
    '/api/admin/programs/:programId/stats',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Users, registrations, claims, revenue and commissions of a program',
        security,
        params: ZProgramIdParams,
        response: { 200: ZProgramStats },
      },
    },
    async (request) => {
      const programId = programOf(adminOf(request), request.params.programId);
      await getProgram(db, programId);
      return await programStats(readDb, programId);
    },
  );

  app.post(
    '/api/admin/programs/:programId/api-keys',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Create a program-scoped API key; the key is in this response only (admin keys only)',
        security,
        params: ZProgramIdParams,
        body: ZCreateApiKeyRequest,
        response: { 201: ZCreatedApiKey },
      },
    },
    async (request, reply) => {
      const { apiKey, key } = await createProgramApiKey(db, actorOf(request), {
        programId: request.params.programId,
        name: request.body.name,
      });
      return reply.status(201).send({ ...toApiKeyView(apiKey), key });
    },
  );

  app.get(
    '/api/admin/programs/:programId/api-keys',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'List the API keys of a program (admin keys only)',
        security,
        params: ZProgramIdParams,
        response: { 200: z.object({ items: z.array(ZApiKey) }) },
      },
    },
    async (request) => {
      const rows = await listProgramApiKeys(db, request.params.programId);
      return { items: rows.map(toApiKeyView) };
    },
  );

  app.post(
    '/api/admin/api-keys/:id/revoke',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a program-scoped API key (admin keys only)',
        security,
        params: ZIdParams,
        response: { 200: ZApiKey },
      },
    },
    async (request) =>
      toApiKeyView(await revokeProgramApiKey(db, actorOf(request), { keyId: request.params.id })),
  );
}
