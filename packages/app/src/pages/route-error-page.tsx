import { useEffect } from 'react';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { reportError } from '../monitoring/error-reporting';

/**
 * Shown when a page throws while rendering, and reported (monitoring/error-reporting.ts). The navigation stays usable; reloading gets a fresh copy of the
 * app (e.g. after a deploy replaced the chunk this page needed).
 */
export function RouteErrorPage() {
  const error = useRouteError();
  // A page that threw is a bug to hear about (Sentry when configured); a 404 route response is not.
  useEffect(() => {
    if (!isRouteErrorResponse(error)) reportError(error);
  }, [error]);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <>
      <title>Error · SGE</title>
      <h1>Something went wrong</h1>
      <div className="notice notice--critical" role="alert">
        <p className="notice__title">This page could not be shown.</p>
        <p className="notice__detail">{message}</p>
      </div>
      <p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload the app
        </button>
      </p>
    </>
  );
}
