import type { TReconciliationCheckResult, TReconciliationStatus } from '@sge/shared';
import type { ReactNode } from 'react';

const CHECK_TITLES: Record<string, string> = {
  ledger: 'Ledger balanced',
  settlements_on_chain: 'Settlements on-chain',
  payout_approvals: 'Payout approvals',
  claims_recorded: 'On-chain claims recorded',
  commissions: 'Commissions vs settlements and rates',
  payouts: 'Payouts vs PAID commissions',
  affiliate_tree: 'Affiliate tree acyclic',
  stuck_intents: 'Stuck intents',
  queue_depth: 'Queue depth',
  worker_heartbeats: 'Worker heartbeats',
  processing_time: 'Processing time',
  pending_payout_batches: 'Pending payout batches',
  webhook_failures: 'Webhook failures',
  manual_revenue: 'Manual revenue approved and referenced',
};

export function checkTitle(name: string): string {
  return CHECK_TITLES[name] ?? name;
}

/** A check's status as a coloured label (the word is always shown: colour is never the only signal). */
export function StatusBadge({ status }: { status: TReconciliationStatus | 'RUNNING' }) {
  return (
    <span className={`recon-badge recon-badge--${status.toLowerCase()}`} data-testid="status-badge">
      {status}
    </span>
  );
}

/**
 * One check: its status, summary and findings (at most the stored ones; the count says how many there were),
 * with an optional action per finding (the stuck intents' retry button).
 */
export function CheckCard({
  check,
  children,
  action,
}: {
  check: TReconciliationCheckResult;
  children?: ReactNode;
  action?: (finding: TReconciliationCheckResult['findings'][number]) => ReactNode;
}) {
  return (
    <section
      className="recon-check"
      aria-label={checkTitle(check.name)}
      data-testid={`check-${check.name}`}
      data-status={check.status}
    >
      <h3>
        {checkTitle(check.name)} <StatusBadge status={check.status} />
      </h3>
      <p>{check.summary}</p>
      {children}
      {check.findings.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                {action && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {check.findings.map((finding) => (
                <tr
                  key={`${finding.kind}:${finding.subject ?? ''}:${finding.message}`}
                  data-testid="finding"
                  data-kind={finding.kind}
                >
                  <td>{finding.kind}</td>
                  <td>{finding.severity}</td>
                  <td className="break">{finding.message}</td>
                  {action && <td>{action(finding)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {check.findingCount > check.findings.length && (
        <p className="muted">
          {check.findingCount - check.findings.length} more finding(s) not listed ({check.findingCount} in
          all).
        </p>
      )}
    </section>
  );
}

/** A small table of name → value figures (queue depths, batch counts, ...). */
export function FigureTable({ caption, rows }: { caption: string; rows: [string, ReactNode][] }) {
  return (
    <table className="data-table recon-figures">
      <caption>{caption}</caption>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
