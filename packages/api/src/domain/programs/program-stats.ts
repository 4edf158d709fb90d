import type { TProgramStats } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import { ACCOUNTS } from '../ledger/accounts';

/** Counts and sums of one program: users, registrations, claims, affiliates, revenue, commissions. */
export async function programStats(db: TReadDb, programId: string): Promise<TProgramStats> {
  // Maintained by triggers (migration 0021), never counted over the tables: one row per counter and shard.
  const counters = await db
    .selectFrom('program_counters')
    .select(['counter', sql<number>`sum(n)::int8`.as('n'), sql<bigint>`sum(amount)`.as('amount')])
    .where('program_id', '=', programId)
    .groupBy('counter')
    .execute();
  const counter = (name: string) => counters.find((row) => row.counter === name);
  // The revenue account's maintained balances (one row per currency), never a sum over its entries.
  const revenue = await db
    .selectFrom('ledger_balances')
    .select(['currency', sql<bigint>`-balance`.as('amount')])
    .where('program_id', '=', programId)
    .where('account', '=', ACCOUNTS.revenue)
    .orderBy('currency')
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
    users: Number(counter('users')?.n ?? 0),
    registrations: Number(counter('registrations')?.n ?? 0),
    claims: Number(counter('claims')?.n ?? 0),
    affiliates: Number(counter('affiliates')?.n ?? 0),
    revenue: revenue.map((row) => ({ currency: row.currency, amount: row.amount.toString() })),
    commissions: statuses.map((status) => {
      const row = counter(`commissions:${status}`);
      return { status, count: Number(row?.n ?? 0), amount: (row?.amount ?? 0n).toString() };
    }),
    payoutBatches: batches.map((row) => ({ status: row.status, count: row.count })),
  };
}
