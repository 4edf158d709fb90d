import {
  ZAdminSettlement,
  ZIdParams,
  ZPage,
  ZPageQuery,
  ZReasonRequest,
  ZSettlementsQuery,
} from '@sge/shared';
import { getAddress } from 'viem';
import { z } from 'zod';
import { refundSettlement } from '../../../domain/commissions/refund-settlement';
import { exportSettlements } from '../../../domain/settlements/export-settlements';
import { listSettlements } from '../../../domain/settlements/list-settlements';
import type { TRuntime } from '../../../runtime';
import { sendCsvStream, type TCsvCell } from '../../csv';
import { actorOf, adminOf, authGuards, programFilterOf, programScopeOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

const SETTLEMENT_CSV_HEADER = [
  'id',
  'program_id',
  'intent_id',
  'kind',
  'wallet',
  'tx_hash',
  'block_number',
  'provider_ref',
  'amount',
  'currency',
  'refunded',
  'verified_at',
  'created_at',
] as const;

/** The export's rows, one keyset page at a time. */
async function* settlementCsvRows(
  db: TRuntime['readDatabase']['db'],
  filter: Parameters<typeof exportSettlements>[1],
): AsyncGenerator<TCsvCell[][]> {
  for await (const page of exportSettlements(db, filter)) {
    yield page.map((s) => [
      s.id,
      s.programId,
      s.intentId,
      s.kind,
      s.wallet,
      s.txHash,
      s.blockNumber,
      s.providerRef,
      BigInt(s.amount),
      s.currency,
      s.refunded,
      s.verifiedAt,
      s.createdAt,
    ]);
  }
}

/** Settlements: list (JSON pages or a streamed CSV export of the whole filtered range) and refunds. */
export function registerAdminSettlementRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;

  app.get(
    '/api/admin/settlements',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'List settlements (newest first); format=csv streams the whole filtered range, however many rows',
        security,
        querystring: ZSettlementsQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZAdminSettlement) },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const filter = {
        programId: programFilterOf(adminOf(request), query.programId),
        kind: query.kind,
        wallet: query.wallet ? getAddress(query.wallet) : undefined,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      };
      if (query.format === 'json')
        return await listSettlements(readDb, { ...filter, limit: query.limit, cursor: query.cursor });
      return sendCsvStream(
        reply,
        'settlements.csv',
        SETTLEMENT_CSV_HEADER,
        settlementCsvRows(readDb, filter),
      );
    },
  );

  app.post(
    '/api/admin/settlements/:id/refund',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Refund a revenue settlement: reverses its revenue, cancels unpaid commissions, claws back paid ones (audited)',
        security,
        params: ZIdParams,
        body: ZReasonRequest,
        response: {
          200: z.object({
            settlementId: z.uuid(),
            created: z.boolean(),
            cancelled: z.array(z.uuid()),
            clawedBack: z.array(z.uuid()),
          }),
        },
      },
    },
    async (request) =>
      await refundSettlement(db, request.params.id, request.body.reason, {
        who: actorOf(request),
        programScope: programScopeOf(adminOf(request)),
      }),
  );
}
