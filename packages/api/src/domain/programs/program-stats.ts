import type { TProgramStats } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import { ACCOUNTS } from '../ledger/accounts';

/** Counts and sums of one program: users, registrations, claims, affiliates, revenue, commissions. */
export async function programStats(db: TReadDb, programId: string): Promise<TProgramStats> {
  const users = await db
    .selectFrom('users')
    .select([
      sql<number>`count(*)::int8`.as('users'),
      sql<number>`count(registered_at)::int8`.as('registrations'),
      sql<number>`count(*) FILTER (WHERE claim_status = 'CLAIMED')::int8`.as('claims'),
    ])
    .where('program_id', '=', programId)
    .executeTakeFirstOrThrow();
  const affiliates = await db
    .selectFrom('affiliates')
    .select(sql<number>`count(*)::int8`.as('n'))
    .where('program_id', '=', programId)
    .executeTakeFirstOrThrow();
  // The revenue account's maintained balances (one row per currency), never a sum over its entries.
  const revenue = await db
    .selectFrom('ledger_balances')
    .select(['currency', sql<bigint>`-balance`.as('amount')])
    .where('program_id', '=', programId)
    .where('account', '=', ACCOUNTS.revenue)
    .orderBy('currency')
    .execute();
  const commissions = await db
    .selectFrom('commissions')
    .select(['status', sql<number>`count(*)::int8`.as('count'), sql<bigint>`sum(amount)`.as('amount')])
    .where('program_id', '=', programId)
    .groupBy('status')
    .execute();
  const batches = await db
    .selectFrom('payout_batches')
    .select(['status', sql<number>`count(*)::int8`.as('count')])
    .where('program_id', '=', programId)
    .groupBy('status')
    .execute();
  const statuses = ['ACCRUED', 'PAYABLE', 'PAID', 'CANCELLED'] as const;
  return {
    programId,
    users: users.users,
    registrations: users.registrations,
    claims: users.claims,
    affiliates: affiliates.n,
    revenue: revenue.map((row) => ({ currency: row.currency, amount: row.amount.toString() })),
    commissions: statuses.map((status) => {
      const row = commissions.find((candidate) => candidate.status === status);
      return { status, count: row?.count ?? 0, amount: (row?.amount ?? 0n).toString() };
    }),
    payoutBatches: batches.map((row) => ({ status: row.status, count: row.count })),
  };
}
