import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './components/layout';
import { AdminLayout } from './pages/admin/admin-layout';
import { ADMIN_SCREENS } from './pages/admin/admin-operations';
import { AffiliatesPage } from './pages/admin/affiliates-page';
import { AuditLogPage } from './pages/admin/audit-log-page';
import { ChangesPage } from './pages/admin/changes-page';
import { CommissionsPage } from './pages/admin/commissions-page';
import { IntentsPage } from './pages/admin/intents-page';
import { LedgerPage } from './pages/admin/ledger-page';
import { OperationsPage } from './pages/admin/operations-page';
import { PaymentsPage } from './pages/admin/payments-page';
import { PayoutBatchesPage } from './pages/admin/payout-batches-page';
import { ProgramPage } from './pages/admin/program-page';
import { ProgramsPage } from './pages/admin/programs-page';
import { ReconciliationPage } from './pages/admin/reconciliation-page';
import { SettlementsPage } from './pages/admin/settlements-page';
import { AffiliatePage } from './pages/affiliate-page';
import { ClaimPage } from './pages/claim-page';
import { NotFoundPage } from './pages/not-found-page';
import { RegisterPage } from './pages/register-page';
import { RouteErrorPage } from './pages/route-error-page';
import { StatusPage } from './pages/status-page';

/**
 * The routes. The layout route renders the navigation; the pathless route inside it catches render errors
 * of any page, so that a broken page still leaves the navigation working.
 */
const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    errorElement: (
      <Layout>
        <RouteErrorPage />
      </Layout>
    ),
    children: [
      {
        errorElement: <RouteErrorPage />,
        children: [
          { index: true, element: <RegisterPage /> },
          { path: 'claim', element: <ClaimPage /> },
          { path: 'status', element: <StatusPage /> },
          { path: 'affiliate', element: <AffiliatePage /> },
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <ProgramsPage /> },
              { path: 'intents', element: <IntentsPage /> },
              { path: 'settlements', element: <SettlementsPage /> },
              { path: 'payouts', element: <PayoutBatchesPage /> },
              { path: 'payments', element: <PaymentsPage /> },
              { path: 'changes', element: <ChangesPage /> },
              { path: 'audit', element: <AuditLogPage /> },
              { path: 'reconciliation', element: <ReconciliationPage /> },
              // The screens issue 21 added take their paths from the registry (admin-operations.ts).
              { path: ADMIN_SCREENS.program.path, element: <ProgramPage /> },
              { path: ADMIN_SCREENS.affiliates.path, element: <AffiliatesPage /> },
              { path: ADMIN_SCREENS.commissions.path, element: <CommissionsPage /> },
              { path: ADMIN_SCREENS.ledger.path, element: <LedgerPage /> },
              { path: ADMIN_SCREENS.operations.path, element: <OperationsPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
