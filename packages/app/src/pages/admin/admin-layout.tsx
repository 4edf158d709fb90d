import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { readAdminKey, writeAdminKey } from '../../api/admin-client';
import { AdminContext, type TAdminContext } from '../../components/admin/admin-context';
import { AdminKeyForm } from '../../components/admin/admin-key-form';
import { ProgramSelect } from '../../components/admin/program-select';
import '../../components/affiliate/money-pages.css';
import { ADMIN_SCREENS } from './admin-operations';

/** The sections of /admin (`/admin/reconciliation`: pages/admin/reconciliation-page.tsx). */
const ADMIN_NAV_ITEMS = [
  { to: '/admin', label: 'Programs', end: true },
  { to: ADMIN_SCREENS.overview.path, label: ADMIN_SCREENS.overview.label, end: false },
  { to: '/admin/intents', label: 'Users & intents', end: false },
  { to: '/admin/settlements', label: 'Settlements', end: false },
  { to: '/admin/payouts', label: 'Payout batches', end: false },
  { to: '/admin/payments', label: 'Manual payment', end: false },
  { to: '/admin/changes', label: 'Changes to approve', end: false },
  { to: '/admin/audit', label: 'Audit log', end: false },
  { to: '/admin/reconciliation', label: 'Reconciliation', end: false },
  ...(['affiliates', 'commissions', 'ledger', 'operations'] as const).map((screen) => ({
    to: ADMIN_SCREENS[screen].path,
    label: ADMIN_SCREENS[screen].label,
    end: false,
  })),
] as const;

/** /admin: sign-in with an admin key, then the section navigation, the program filter and the section. */
export function AdminLayout() {
  const [signedIn, setSignedIn] = useState(() => readAdminKey() !== null);
  const [programId, setProgramId] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const context = useMemo<TAdminContext>(
    () => ({
      signOut: () => {
        writeAdminKey(null);
        queryClient.removeQueries({ queryKey: ['admin'] });
        setSignedIn(false);
      },
      programId,
      setProgramId,
    }),
    [programId, queryClient],
  );

  return (
    <>
      <title>Admin · SGE</title>
      <h1>Admin</h1>
      {!signedIn ? (
        <AdminKeyForm onSignedIn={() => setSignedIn(true)} />
      ) : (
        <AdminContext.Provider value={context}>
          <nav aria-label="Admin sections">
            <ul className="admin-nav">
              {ADMIN_NAV_ITEMS.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} className="nav__link">
                    {item.label}
                  </NavLink>
                </li>
              ))}
              <li>
                <button type="button" className="button button--small" onClick={context.signOut}>
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
          <div className="admin-filters">
            <ProgramSelect />
          </div>
          <Outlet />
        </AdminContext.Provider>
      )}
    </>
  );
}
