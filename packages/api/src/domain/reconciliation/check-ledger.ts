import { sql } from 'kysely';
import { type TLedgerVerification, verifyLedger } from '../ledger/verify-ledger';
import { FindingList, type TReconciliationCheck } from './check-context';
import { RECHECK_MINUTES_DEFAULT } from './reconciliation-limits';
import { verifyLedgerSince } from './verify-ledger-since';
import { readWatermark, type TWatermark, writeWatermark } from './watermarks';

const NAME = 'ledger';

/**
 * Ledger balanced per program and currency (domain/ledger/verify-ledger.ts for each program): the sum of
 * all entries per currency is zero, every transaction balances and has entries, payout clearing is at par,
 * and each affiliate's payable account equals its unpaid commissions net of open clawbacks.
 *
 * The database refuses an unbalanced ledger transaction at commit, so an imbalance here means the rules were
 * bypassed (triggers disabled, a restore of a partial dump, a manual repair) — exactly what this check is for.
 *
 * INCREMENTAL (issue 22 §3) verifies only the ledger transactions after the watermark and the
 * RECONCILIATION_RECHECK_MINUTES before it (verify-ledger-since.ts: `totals` are then the sums of those
 * transactions), FULL the whole ledger of every program (verifyLedger); both move the watermark to the newest
 * ledger transaction.
 */
export const checkLedger: TReconciliationCheck = {
  name: 'ledger',
  async run(context) {
    // History is read from the read database (a replica when configured); watermarks live on the primary.
    const { db: primary, readDb: db } = context;
    const full = context.run?.mode === 'FULL';
    const since = full ? null : await readWatermark(primary, NAME);
    const windowMs = (context.recheckMinutes ?? RECHECK_MINUTES_DEFAULT) * 60_000;
    // Taken first: every transaction up to it is read below (one committed late is in the next run's window).
    const newest = await newestLedgerTransaction(db);
    let transactions = 0;
    let touchedAffiliates = 0;
    const findings = new FindingList();
    const programs = await db.selectFrom('programs').select(['id', 'slug']).orderBy('slug').execute();
    const totals: Record<string, Record<string, string>> = {};
    let unbalancedPrograms = 0;
    for (const [index, program] of programs.entries()) {
      const report: TLedgerVerification & { touchedAffiliates?: number } = full
        ? await verifyLedger(db, program.id)
        : await verifyLedgerSince(db, program.id, since, windowMs);
      transactions += report.transactionCount;
      touchedAffiliates += report.touchedAffiliates ?? 0;
      await context.run?.progress(index + 1, programs.length);
      totals[program.slug] = Object.fromEntries(
        report.totals.map((row) => [row.currency, row.sum.toString()]),
      );
      if (!report.balanced) unbalancedPrograms++;
      for (const row of report.totals) {
        if (row.sum === 0n) continue;
        findings.add({
          kind: 'LEDGER_IMBALANCE',
          severity: 'FAIL',
          subject: `program:${program.slug}`,
          message: `program ${program.slug}: ${row.currency} entries sum to ${row.sum}, not 0`,
          details: {
            programId: program.id,
            currency: row.currency,
            sum: row.sum,
            entryCount: row.entryCount,
          },
        });
      }
      for (const row of report.unbalancedTransactions) {
        findings.add({
          kind: 'UNBALANCED_TRANSACTION',
          severity: 'FAIL',
          subject: `ledger_transaction:${row.transactionId}`,
          message: `ledger transaction ${row.reference} sums to ${row.sum} ${row.currency}`,
          details: { programId: program.id, ...row },
        });
      }
      for (const row of report.emptyTransactions) {
        findings.add({
          kind: 'EMPTY_TRANSACTION',
          severity: 'FAIL',
          subject: `ledger_transaction:${row.transactionId}`,
          message: `ledger transaction ${row.reference} has no entries`,
          details: { programId: program.id, ...row },
        });
      }
      if (!report.payoutClearing.matches) {
        findings.add({
          kind: 'PAYOUT_CLEARING_MISMATCH',
          severity: 'FAIL',
          subject: `program:${program.slug}`,
          message: `program ${program.slug}: payout_clearing is ${report.payoutClearing.usd} USD and ${report.payoutClearing.usdc} USDC (must be equal and opposite)`,
          details: { programId: program.id, ...report.payoutClearing },
        });
      }
      for (const row of report.payableMismatches) {
        findings.add({
          kind: 'PAYABLE_MISMATCH',
          severity: 'FAIL',
          subject: `affiliate:${row.affiliateId}`,
          message: `affiliate ${row.affiliateId} payable is ${row.ledgerBalance} USD in the ledger, its commissions say ${row.expectedBalance}`,
          details: { programId: program.id, ...row },
        });
      }
    }
    if (newest) await writeWatermark(primary, NAME, newest, context.run?.id ?? null);
    return {
      summary:
        unbalancedPrograms === 0
          ? `${programs.length} program ledger(s) balanced in every currency`
          : `${unbalancedPrograms} of ${programs.length} program ledger(s) do not balance`,
      figures: {
        mode: full ? 'FULL' : 'INCREMENTAL',
        /** FULL: the sums of all entries; INCREMENTAL: of the transactions read (both 0 when balanced). */
        totals,
        programs: programs.length,
        unbalancedPrograms,
        checkedTransactions: transactions,
        touchedAffiliates,
        watermark: newest ?? since,
      },
      findings,
    };
  },
};

async function newestLedgerTransaction(db: Parameters<typeof verifyLedger>[0]): Promise<TWatermark | null> {
  const row = await db
    .selectFrom('ledger_transactions')
    .select(['id', sql<string>`created_at::text`.as('created_at_text')])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { createdAt: row.created_at_text, id: row.id } : null;
}
