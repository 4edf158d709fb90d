import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './components/layout';
import { AdminLayout } from './pages/admin/admin-layout';
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
              // Each /admin path is a screen of pages/admin/admin-operations.ts (its test checks they match).
              { path: 'programs/:programId', element: <ProgramPage /> },
              { path: 'affiliates', element: <AffiliatesPage /> },
              { path: 'commissions', element: <CommissionsPage /> },
              { path: 'ledger', element: <LedgerPage /> },
              { path: 'operations', element: <OperationsPage /> },
              // Loaded on first visit: the page and its charts (recharts) stay out of the first page's bundle.
              {
                path: 'overview',
                lazy: async () => ({ Component: (await import('./pages/admin/overview-page')).OverviewPage }),
              },
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
