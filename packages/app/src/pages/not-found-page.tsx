import { Link, useLocation } from 'react-router';

/** Any path no route matches. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <>
      <title>Page not found · SGE</title>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>.
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </>
  );
}
