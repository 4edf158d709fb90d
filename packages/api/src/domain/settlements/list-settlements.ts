import type { ZAdminSettlement } from '@sge/shared';
import { type RawBuilder, sql } from 'kysely';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import type { TIntentType } from '../../db/schema';
import { listNewestFirst } from '../list-page';
import type { TPage } from '../pagination';

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
  const select = db
    .selectFrom('settlements as s')
    .leftJoin('settlement_refunds as r', 'r.settlement_id', 's.id')
    .selectAll('s')
    .select('r.settlement_id as refunded_id');
  const where: RawBuilder<boolean>[] = [];
  if (query.from) where.push(sql<boolean>`s.created_at >= ${query.from}`);
  if (query.to) where.push(sql<boolean>`s.created_at < ${query.to}`);
  return await listNewestFirst(select, {
    alias: 's',
    filters: { 's.program_id': query.programId, 's.kind': query.kind, 's.wallet': query.wallet },
    where,
    limit: query.limit,
    cursor: query.cursor,
    view: (row) => ({
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
    }),
  });
}
