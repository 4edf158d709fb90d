import type { TBatchDetail } from '../../api/payout-approval';
import { formatMicroUsd } from '../affiliate/money';

/**
 * A batch's payouts: affiliate, wallet, amount and status. A SKIPPED payout (the payout contract could not
 * transfer to its wallet) shows why; its commissions are payable again.
 */
export function BatchPayouts({ detail }: { detail: TBatchDetail | undefined }) {
  if (detail === undefined) return <p className="muted">Loading the payouts…</p>;
  return (
    <table className="data-table" data-testid="batch-payouts">
      <thead>
        <tr>
          <th scope="col">Affiliate</th>
          <th scope="col">Wallet</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {detail.payouts.map((payout) => (
          <tr key={payout.id} data-testid="batch-payout" data-status={payout.status}>
            <td>{payout.affiliateCode}</td>
            <td>
              <code className="mono">{payout.wallet}</code>
            </td>
            <td className="amount">
              {formatMicroUsd(payout.amount)} {detail.currency}
            </td>
            <td>
              {payout.status}
              {payout.skipReason !== null && (
                <span data-testid="skip-reason">
                  : {payout.skipReason} (its commissions are payable again)
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
