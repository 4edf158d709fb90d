import type { ZAdminSettlement } from '@sge/shared';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import type { TIntentType } from '../../db/schema';
import { afterCreatedCursor, createdMicros, type TPage, toCreatedPage } from '../pagination';

export type TAdminSettlement = z.infer<typeof ZAdminSettlement>;

export type TSettlementsQuery = {
  programId: string | null;
  kind?: TIntentType | undefined;
  wallet?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
};

/** Settlements, newest first, with whether each was refunded. `limit` may be up to EXPORT_ROWS_MAX for CSV. */
export async function listSettlements(
  db: TReadDb,
  query: TSettlementsQuery,
): Promise<TPage<TAdminSettlement>> {
  let select = db
    .selectFrom('settlements as s')
    .leftJoin('settlement_refunds as r', 'r.settlement_id', 's.id')
    .selectAll('s')
    .select(['r.settlement_id as refunded_id', createdMicros('s.created_at').as('cursor_us')]);
  if (query.programId) select = select.where('s.program_id', '=', query.programId);
  if (query.kind) select = select.where('s.kind', '=', query.kind);
  if (query.wallet) select = select.where('s.wallet', '=', query.wallet);
  if (query.from) select = select.where('s.created_at', '>=', query.from);
  if (query.to) select = select.where('s.created_at', '<', query.to);
  const rows = await select
    .where(afterCreatedCursor(query.cursor, { createdAt: 's.created_at', id: 's.id' }))
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toCreatedPage(rows, query.limit, (row) => ({
    id: row.id,
    programId: row.program_id,
    intentId: row.intent_id,
    kind: row.kind,
    wallet: row.wallet,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
    providerRef: row.provider_ref,
    amount: row.amount.toString(),
    currency: row.currency,
    refunded: row.refunded_id !== null,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  }));
}
