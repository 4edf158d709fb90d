import { useState } from 'react';
import { useAdmin } from '../../components/admin/admin-context';
import { LedgerBalances } from '../../components/admin/ledger/ledger-balances';
import { LedgerEntries } from '../../components/admin/ledger/ledger-entries';
import { LedgerVerifyPanel } from '../../components/admin/ledger/ledger-verify-panel';
import { ADMIN_SCREENS } from './admin-operations';

/**
 * /admin/ledger: the double-entry ledger of the program chosen above (the default program when "all" is
 * chosen): verify it, its accounts and balances (also as of a past time), and its entries.
 */
export function LedgerPage() {
  const { programId } = useAdmin();
  const [account, setAccount] = useState('');
  return (
    <section aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">{ADMIN_SCREENS.ledger.label}</h2>
      <LedgerVerifyPanel programId={programId ?? undefined} />
      <LedgerBalances programId={programId ?? undefined} onAccount={setAccount} />
      <LedgerEntries programId={programId ?? undefined} account={account} setAccount={setAccount} />
    </section>
  );
}
