import { ZCurrency } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../../api/money-clients';
import { ApiErrorAlert } from '../../api-error-alert';
import { formatLedgerAmount } from './ledger-amount';

/**
 * The program's accounts with their balances (debit-positive): every account, or those matching an account
 * name and currency, optionally as of a past moment. Choosing an account shows its entries.
 */
export function LedgerBalances(props: {
  programId: string | undefined;
  onAccount: (account: string) => void;
}) {
  const { programId, onAccount } = props;
  const [account, setAccount] = useState('');
  const [currency, setCurrency] = useState('');
  const [asOf, setAsOf] = useState('');
  const filtered = account.trim() !== '' || currency !== '' || asOf !== '';
  const asOfIso = asOf === '' ? undefined : new Date(`${asOf}Z`).toISOString();
  const filter = { programId, account: account.trim(), currency, asOf: asOfIso };
  const balances = useQuery({
    queryKey: ['admin', 'ledger', 'balances', filtered, filter],
    queryFn: ({ signal }) =>
      filtered
        ? adminClient.ledgerBalances(filter, { signal })
        : adminClient.ledgerAccounts(programId, { signal }),
  });
  return (
    <section className="card" aria-labelledby="ledger-balances-heading">
      <h3 id="ledger-balances-heading" className="card__title">
        Accounts and balances
        {balances.data?.asOf ? ` as of ${balances.data.asOf.slice(0, 16).replace('T', ' ')} UTC` : ''}
      </h3>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="ledger-account" className="field__label">
            Account
          </label>
          <input
            id="ledger-account"
            className="field__input"
            placeholder="treasury"
            value={account}
            onChange={(e) => setAccount(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="ledger-currency" className="field__label">
            Currency
          </label>
          <select
            id="ledger-currency"
            className="field__input"
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
          >
            <option value="">Any</option>
            {ZCurrency.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ledger-as-of" className="field__label">
            As of (UTC)
          </label>
          <input
            id="ledger-as-of"
            type="datetime-local"
            className="field__input"
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
          />
        </div>
      </div>
      {balances.error && <ApiErrorAlert error={balances.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="ledger-balances">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Balance</th>
              <th scope="col">Entries</th>
            </tr>
          </thead>
          <tbody>
            {balances.data?.balances.map((row) => (
              <tr
                key={`${row.account} ${row.currency}`}
                data-testid="ledger-balance-row"
                data-account={row.account}
              >
                <td className="mono break">
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => onAccount(row.account)}
                  >
                    {row.account}
                  </button>
                </td>
                <td className="amount">{formatLedgerAmount(row.balance, row.currency)}</td>
                <td>{row.entryCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
