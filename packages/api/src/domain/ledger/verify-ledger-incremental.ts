import { LEDGER_VERIFY_PROBLEMS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { TReadDb } from '../../db/read-db';
import { ACCOUNTS, COMMISSION_CURRENCY } from './accounts';
import type { TLedgerFigures } from './verify-ledger';

/**
 * The figures of an incremental verification (verifyLedger mode `incremental`), none a scan of the ledger's
 * history: totals and payout clearing from the maintained balances (one row per account and currency); the
 * transactions and entries created since the latest checkpoint day (entry counts are theirs) (block-range indexes on created_at); and,
 * for each account with entries since then, its maintained balance against its latest checkpoint plus those
 * entries, and (affiliate payables) against the affiliate's unpaid commissions and open clawbacks.
 *
 * What it does not re-read (accounts untouched since the checkpoint, entries older than it) the full
 * verification does; an entry that commits after the checkpoint with an earlier created_at is applied to both
 * the balance and the checkpoint, so the two still agree.
 */
export async function incrementalLedgerFigures(db: TReadDb, programId: string): Promise<TLedgerFigures> {
  const latest = await db
    .selectFrom('ledger_checkpoint_days')
    .select('as_of')
    .orderBy('as_of', 'desc')
    .limit(1)
    .executeTakeFirst();
  const since = latest?.as_of ?? null;
  const from = since ?? new Date(0);
  // The maintained partial sums per currency; the entries counted are those since the checkpoint.
  const totals = await sql<{ currency: string; sum: bigint; entry_count: number }>`
    SELECT t.currency, t.sum, coalesce(n.entry_count, 0)::int8 AS entry_count
      FROM (SELECT currency, sum(balance) AS sum FROM ledger_balance_totals
             WHERE program_id = ${programId} GROUP BY currency) t
      LEFT JOIN (SELECT currency, count(*) AS entry_count FROM ledger_entries
                  WHERE program_id = ${programId} AND created_at >= ${from} GROUP BY currency) n
        ON n.currency = t.currency
     ORDER BY t.currency`.execute(db);
  const transactions = await sql<{ n: number }>`
    SELECT count(*)::int8 AS n FROM ledger_transactions WHERE program_id = ${programId} AND created_at >= ${from}`.execute(
    db,
  );
  const unbalanced = await sql<{ transaction_id: string; reference: string; currency: string; sum: bigint }>`
    SELECT e.transaction_id, t.reference, e.currency, sum(e.amount) AS sum
      FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
     WHERE e.program_id = ${programId} AND e.created_at >= ${from}
     GROUP BY e.transaction_id, t.reference, e.currency
    HAVING sum(e.amount) <> 0
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  const empty = await sql<{ id: string; reference: string }>`
    SELECT t.id, t.reference FROM ledger_transactions t
     WHERE t.program_id = ${programId} AND t.created_at >= ${from}
       AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  const clearing = await db
    .selectFrom('ledger_balances')
    .select(['currency', 'balance'])
    .where('program_id', '=', programId)
    .where('account', '=', ACCOUNTS.payoutClearing)
    .execute();
  // Accounts with entries since the checkpoint, recomputed from their latest checkpoint.
  const touched = sql`
    SELECT DISTINCT account, currency FROM ledger_entries
     WHERE program_id = ${programId} AND created_at >= ${from}`;
  const balances = await sql<{ account: string; currency: string; maintained: bigint; from_entries: bigint }>`
    SELECT t.account, t.currency, coalesce(b.balance, 0) AS maintained, f.balance AS from_entries
      FROM (${touched}) t
      LEFT JOIN ledger_balances b
        ON b.program_id = ${programId} AND b.account = t.account AND b.currency = t.currency
     CROSS JOIN LATERAL ledger_balance_as_of(${programId}, t.account, t.currency, 'infinity') f
     WHERE b.balance IS DISTINCT FROM f.balance OR b.entry_count IS DISTINCT FROM f.entry_count
     ORDER BY t.account, t.currency
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  const payables = await sql<{ affiliate_id: string; ledger_balance: bigint; expected_balance: bigint }>`
    WITH affiliates AS (
      SELECT split_part(t.account, ':', 2)::uuid AS affiliate_id, coalesce(b.balance, 0) AS balance
        FROM (${touched}) t
        LEFT JOIN ledger_balances b
          ON b.program_id = ${programId} AND b.account = t.account AND b.currency = t.currency
       WHERE t.account LIKE 'affiliate:%:payable' AND t.currency = ${COMMISSION_CURRENCY}
    ), expected AS (
      SELECT a.affiliate_id, a.balance,
             coalesce((SELECT -sum(c.amount) FROM commissions c
                        WHERE c.affiliate_id = a.affiliate_id AND c.program_id = ${programId}
                          AND c.status IN ('ACCRUED', 'PAYABLE')), 0)
           + coalesce((SELECT sum(k.amount) FROM commission_clawbacks k
                        WHERE k.affiliate_id = a.affiliate_id AND k.program_id = ${programId}
                          AND k.status = 'OPEN'), 0) AS expected
        FROM affiliates a
    )
    SELECT affiliate_id::text AS affiliate_id, balance AS ledger_balance, expected AS expected_balance
      FROM expected WHERE balance <> expected
     LIMIT ${LEDGER_VERIFY_PROBLEMS_MAX}`.execute(db);
  return {
    since,
    transactionCount: Number(transactions.rows[0]?.n ?? 0),
    entryCount: totals.rows.reduce((sum, row) => sum + Number(row.entry_count), 0),
    totals: totals.rows.map((row) => ({
      currency: row.currency,
      sum: row.sum,
      entryCount: Number(row.entry_count),
    })),
    unbalancedTransactions: unbalanced.rows.map((row) => ({
      transactionId: row.transaction_id,
      reference: row.reference,
      currency: row.currency,
      sum: row.sum,
    })),
    emptyTransactions: empty.rows.map((row) => ({ transactionId: row.id, reference: row.reference })),
    clearing: clearing.map((row) => ({ currency: row.currency, sum: row.balance })),
    payableMismatches: payables.rows.map((row) => ({
      affiliateId: row.affiliate_id,
      ledgerBalance: row.ledger_balance,
      expectedBalance: row.expected_balance,
    })),
    balanceMismatches: balances.rows.map((row) => ({
      account: row.account,
      currency: row.currency,
      maintained: row.maintained,
      fromEntries: row.from_entries,
    })),
  };
}
