import type { TLedgerVerification } from '@sge/shared';
import { adminClient } from '../../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../action-result';
import { formatLedgerAmount } from './ledger-amount';

/**
 * Verify the program's ledger: incremental (maintained balances and what changed since the latest
 * checkpoint) or full (every balance recomputed from every entry: a scan of the whole ledger).
 */
export function LedgerVerifyPanel({ programId }: { programId: string | undefined }) {
  const verify = useAdminAction(
    async (full: boolean) => {
      const report = await adminClient.verifyLedger(programId, full);
      return summary(report);
    },
    ['admin', 'ledger'],
  );
  return (
    <section className="card" aria-labelledby="ledger-verify-heading">
      <h3 id="ledger-verify-heading" className="card__title">
        Verify
      </h3>
      <div className="admin-filters">
        <button
          type="button"
          className="button button--primary"
          disabled={verify.isPending}
          onClick={() => verify.mutate(false)}
        >
          {verify.isPending && verify.variables === false ? 'Verifying…' : 'Verify (incremental)'}
        </button>
        <button
          type="button"
          className="button"
          disabled={verify.isPending}
          onClick={() => verify.mutate(true)}
        >
          {verify.isPending && verify.variables === true ? 'Verifying all entries…' : 'Full verification'}
        </button>
      </div>
      <div data-testid="ledger-verify-result">
        <ActionResult result={latestResult([verify])} />
      </div>
    </section>
  );
}

/** The report in one paragraph: balanced or not, what was checked, and each kind of mismatch found. */
function summary(report: TLedgerVerification): string {
  const problems = [
    report.unbalancedTransactions.length > 0 &&
      `${report.unbalancedTransactions.length} unbalanced transaction(s)`,
    report.emptyTransactions.length > 0 && `${report.emptyTransactions.length} empty transaction(s)`,
    !report.payoutClearing.matches &&
      `payout clearing off (${formatLedgerAmount(report.payoutClearing.usd, 'USD')}, ${formatLedgerAmount(report.payoutClearing.usdc, 'USDC')})`,
    report.payableMismatches.length > 0 && `${report.payableMismatches.length} payable mismatch(es)`,
    report.balanceMismatches.length > 0 && `${report.balanceMismatches.length} balance mismatch(es)`,
  ].filter((problem): problem is string => typeof problem === 'string');
  const scope =
    report.mode === 'full'
      ? 'full verification'
      : `incremental since ${report.since ? report.since.slice(0, 19).replace('T', ' ') : 'the start'}`;
  const verdict =
    report.balanced && problems.length === 0
      ? 'Ledger balanced'
      : `Ledger NOT balanced: ${problems.join('; ')}`;
  return `${verdict} (${scope}: ${report.transactionCount} transactions, ${report.entryCount} entries, checked ${report.checkedAt.slice(11, 19)} UTC).`;
}
