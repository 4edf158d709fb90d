import type { TAffiliatePayout } from '@sge/shared';
import { formatMicroUsd } from './money';
import { TxLink } from './tx-link';

/**
 * The affiliate's payouts: amount, status and the payout transaction (explorer link when there is one). A
 * SKIPPED payout says why the payout contract could not pay it; its commissions are paid in a later batch.
 */
export function PayoutsTable({ payouts }: { payouts: TAffiliatePayout[] }) {
  if (payouts.length === 0)
    return (
      <p className="muted" data-testid="no-payouts">
        No payouts yet.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="payouts">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {payouts.map((payout) => (
            <tr key={payout.id} data-testid="payout-row" data-status={payout.status}>
              <td>{(payout.paidAt ?? payout.createdAt).slice(0, 10)}</td>
              <td className="amount">
                {formatMicroUsd(payout.amount)} {payout.currency}
              </td>
              <td>
                {payout.status}
                {payout.status === 'SKIPPED' && (
                  <span data-testid="skip-reason">
                    {' '}
                    — {payout.skipReason ?? 'the payout contract could not pay this wallet'}. Its commissions
                    are payable again and go into a later payout.
                  </span>
                )}
              </td>
              <td>
                <TxLink hash={payout.txHash} url={payout.txUrl} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
