import { verifyLedger } from '../ledger/verify-ledger';
import { FindingList, type TReconciliationCheck } from './check-context';

/**
 * Ledger balanced per program and currency (domain/ledger/verify-ledger.ts for each program): the sum of
 * all entries per currency is zero, every transaction balances and has entries, payout clearing is at par,
 * and each affiliate's payable account equals its unpaid commissions net of open clawbacks.
 *
 * The database refuses an unbalanced ledger transaction at commit, so an imbalance here means the rules were
 * bypassed (triggers disabled, a restore of a partial dump, a manual repair) — exactly what this check is for.
 */
export const checkLedger: TReconciliationCheck = {
  name: 'ledger',
  async run({ readDb: db }) {
    const findings = new FindingList();
    const programs = await db.selectFrom('programs').select(['id', 'slug']).orderBy('slug').execute();
    const totals: Record<string, Record<string, string>> = {};
    let unbalancedPrograms = 0;
    for (const program of programs) {
      const report = await verifyLedger(db, program.id);
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
    return {
      summary:
        unbalancedPrograms === 0
          ? `${programs.length} program ledger(s) balanced in every currency`
          : `${unbalancedPrograms} of ${programs.length} program ledger(s) do not balance`,
      figures: { programs: programs.length, unbalancedPrograms, totals },
      findings,
    };
  },
};
