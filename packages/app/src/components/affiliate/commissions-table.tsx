import type { TCommission } from '@sge/shared';
import { formatMicroUsd } from './money';

/** The affiliate's commissions, newest first: level, amount, status and when it becomes payable. */
export function CommissionsTable({ commissions }: { commissions: TCommission[] }) {
  if (commissions.length === 0) {
    return (
      <p className="muted" data-testid="no-commissions">
        No commissions yet.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="commissions">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Level</th>
            <th scope="col">Rate</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
            <th scope="col">Payable from</th>
          </tr>
        </thead>
        <tbody>
          {commissions.map((commission) => (
            <tr key={commission.id} data-testid="commission-row" data-status={commission.status}>
              <td>{commission.createdAt.slice(0, 10)}</td>
              <td>{commission.level === 1 ? 'direct' : `level ${commission.level}`}</td>
              <td>{(commission.rateBps / 100).toFixed(2)} %</td>
              <td className="amount" data-testid="commission-amount">
                {formatMicroUsd(commission.amount)} {commission.currency}
              </td>
              <td>
                {commission.status}
                {commission.clawedBack ? ' (clawed back)' : ''}
              </td>
              <td>{commission.payableAt.slice(0, 16).replace('T', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
