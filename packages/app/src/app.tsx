import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './components/layout';
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
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
