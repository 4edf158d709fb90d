import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../../api/money-clients';
import { ApiErrorAlert } from '../../api-error-alert';
import { formatLedgerAmount } from './ledger-amount';

/** Ledger entries (newest first) of one account or reference, or all; each with its transaction. */
export function LedgerEntries(props: {
  programId: string | undefined;
  account: string;
  setAccount: (a: string) => void;
}) {
  const { programId, account, setAccount } = props;
  const [reference, setReference] = useState('');
  const filter = { programId, account: account.trim(), reference: reference.trim() };
  const entries = useQuery({
    queryKey: ['admin', 'ledger', 'entries', filter],
    queryFn: ({ signal }) => adminClient.ledgerEntries(filter, { signal }),
  });
  return (
    <section className="card" aria-labelledby="ledger-entries-heading">
      <h3 id="ledger-entries-heading" className="card__title">
        Entries
      </h3>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="entries-account" className="field__label">
            Account
          </label>
          <input
            id="entries-account"
            className="field__input"
            value={account}
            onChange={(e) => setAccount(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="entries-reference" className="field__label">
            Reference
          </label>
          <input
            id="entries-reference"
            className="field__input"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </div>
      </div>
      {entries.error && <ApiErrorAlert error={entries.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="ledger-entries">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Transaction</th>
              <th scope="col">Account</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.items.map((entry) => (
              <tr key={entry.id}>
                <td>{entry.createdAt.slice(0, 19).replace('T', ' ')}</td>
                <td>
                  {entry.kind} <span className="muted mono break">{entry.reference}</span>
                  {entry.reversesId ? ' (reversal)' : ''}
                </td>
                <td className="mono break">{entry.account}</td>
                <td className="amount">{formatLedgerAmount(entry.amount, entry.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
