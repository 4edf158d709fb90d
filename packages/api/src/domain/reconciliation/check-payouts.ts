import { LEDGER_VERIFY_PROBLEMS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { ACCOUNTS, PAYOUT_CURRENCY } from '../ledger/accounts';
import { FindingList, type TReconciliationCheck } from './check-context';

/**
 * Payouts consistent with PAID commissions:
 * - a PAID payout pays exactly its PAID commissions net of its SETTLED clawbacks (PAYOUT_AMOUNT_MISMATCH);
 * - a PAID commission belongs to a PAID payout of a COMPLETED batch (PAID_WITHOUT_PAYOUT);
 * - a COMPLETED batch has a transaction hash, every payout PAID or SKIPPED (the contract could not pay it),
 *   a total equal to their sum, and a ledger transaction `payout:<batchId>` crediting the treasury the PAID
 *   sum in USDC (none when nothing was paid) (BATCH_MISMATCH);
 * - a payout is PAID only in a COMPLETED batch (PAID_OUTSIDE_COMPLETED_BATCH).
 * Each kind lists at most LEDGER_VERIFY_PROBLEMS_MAX rows (the SQL says how many in `figures`).
 */
export const checkPayouts: TReconciliationCheck = {
  name: 'payouts',
  async run({ readDb: db }) {
    const findings = new FindingList();
    const limit = LEDGER_VERIFY_PROBLEMS_MAX;

    const amountMismatches = await sql<{
      id: string;
      batch_id: string;
      amount: bigint;
      commissions: bigint;
      clawbacks: bigint;
    }>`
      SELECT p.id, p.batch_id, p.amount,
             coalesce((SELECT sum(c.amount) FROM commissions c WHERE c.payout_id = p.id AND c.status = 'PAID'), 0) AS commissions,
             coalesce((SELECT sum(k.amount) FROM commission_clawbacks k WHERE k.payout_id = p.id AND k.status = 'SETTLED'), 0) AS clawbacks
        FROM payouts p
       WHERE p.status = 'PAID'
         AND p.amount <> coalesce((SELECT sum(c.amount) FROM commissions c WHERE c.payout_id = p.id AND c.status = 'PAID'), 0)
                        - coalesce((SELECT sum(k.amount) FROM commission_clawbacks k WHERE k.payout_id = p.id AND k.status = 'SETTLED'), 0)
       LIMIT ${limit}`.execute(db);
    for (const row of amountMismatches.rows) {
      findings.add({
        kind: 'PAYOUT_AMOUNT_MISMATCH',
        severity: 'FAIL',
        subject: `payout:${row.id}`,
        message: `payout ${row.id} paid ${row.amount}; its PAID commissions (${row.commissions}) net of settled clawbacks (${row.clawbacks}) are ${row.commissions - row.clawbacks}`,
        details: {
          payoutId: row.id,
          batchId: row.batch_id,
          amount: row.amount,
          commissions: row.commissions,
          clawbacks: row.clawbacks,
        },
      });
    }

    const orphans = await sql<{
      id: string;
      affiliate_id: string;
      amount: bigint;
      payout_id: string | null;
      payout_status: string | null;
      batch_status: string | null;
    }>`
      SELECT c.id, c.affiliate_id, c.amount, c.payout_id, p.status AS payout_status, b.status AS batch_status
        FROM commissions c
        LEFT JOIN payouts p ON p.id = c.payout_id
        LEFT JOIN payout_batches b ON b.id = p.batch_id
       WHERE c.status = 'PAID' AND (p.id IS NULL OR p.status <> 'PAID' OR b.status <> 'COMPLETED')
       LIMIT ${limit}`.execute(db);
    for (const row of orphans.rows) {
      findings.add({
        kind: 'PAID_WITHOUT_PAYOUT',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id} is PAID but ${row.payout_id ? `its payout ${row.payout_id} is ${row.payout_status} in a ${row.batch_status} batch` : 'belongs to no payout'}`,
        details: {
          commissionId: row.id,
          affiliateId: row.affiliate_id,
          amount: row.amount,
          payoutId: row.payout_id,
          payoutStatus: row.payout_status,
          batchStatus: row.batch_status,
        },
      });
    }

    const batches = await sql<{
      id: string;
      total: bigint;
      tx_hash: string | null;
      paid_sum: bigint;
      skipped_sum: bigint;
      unpaid: number;
      ledger_total: bigint | null;
    }>`
      SELECT b.id, b.total, b.tx_hash,
             coalesce((SELECT sum(p.amount) FROM payouts p WHERE p.batch_id = b.id AND p.status = 'PAID'), 0) AS paid_sum,
             coalesce((SELECT sum(p.amount) FROM payouts p WHERE p.batch_id = b.id AND p.status = 'SKIPPED'), 0) AS skipped_sum,
             (SELECT count(*)::int8 FROM payouts p WHERE p.batch_id = b.id AND p.status NOT IN ('PAID', 'SKIPPED')) AS unpaid,
             (SELECT -sum(e.amount) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
               WHERE t.program_id = b.program_id AND t.reference = 'payout:' || b.id::text
                 AND e.account = ${ACCOUNTS.treasury} AND e.currency = ${PAYOUT_CURRENCY}) AS ledger_total
        FROM payout_batches b
       WHERE b.status = 'COMPLETED'`.execute(db);
    let completed = 0;
    for (const row of batches.rows) {
      completed++;
      const problems: string[] = [];
      if (!row.tx_hash) problems.push('it has no transaction hash');
      if (row.unpaid > 0) problems.push(`${row.unpaid} of its payouts are neither PAID nor SKIPPED`);
      if (row.paid_sum + row.skipped_sum !== row.total)
        problems.push(
          `its payouts sum to ${row.paid_sum} paid and ${row.skipped_sum} skipped, its total is ${row.total}`,
        );
      if ((row.ledger_total ?? 0n) !== row.paid_sum) {
        problems.push(
          `its ledger transaction payout:${row.id} pays ${row.ledger_total ?? 'nothing'} USDC from the treasury`,
        );
      }
      if (problems.length === 0) continue;
      findings.add({
        kind: 'BATCH_MISMATCH',
        severity: 'FAIL',
        subject: `payout_batch:${row.id}`,
        message: `completed payout batch ${row.id}: ${problems.join('; ')}`,
        details: {
          batchId: row.id,
          total: row.total,
          paidSum: row.paid_sum,
          skippedSum: row.skipped_sum,
          unpaid: row.unpaid,
          ledgerTotal: row.ledger_total,
          txHash: row.tx_hash,
        },
      });
    }

    const paidOutside = await sql<{ id: string; batch_id: string; status: string }>`
      SELECT p.id, p.batch_id, b.status FROM payouts p JOIN payout_batches b ON b.id = p.batch_id
       WHERE p.status = 'PAID' AND b.status <> 'COMPLETED'
       LIMIT ${limit}`.execute(db);
    for (const row of paidOutside.rows) {
      findings.add({
        kind: 'PAID_OUTSIDE_COMPLETED_BATCH',
        severity: 'FAIL',
        subject: `payout:${row.id}`,
        message: `payout ${row.id} is PAID but its batch ${row.batch_id} is ${row.status}`,
        details: { payoutId: row.id, batchId: row.batch_id, batchStatus: row.status },
      });
    }

    return {
      summary:
        findings.count === 0
          ? `${completed} completed payout batch(es) match their payouts, commissions and ledger`
          : `${findings.count} payout problem(s)`,
      figures: { completedBatches: completed },
      findings,
    };
  },
};
