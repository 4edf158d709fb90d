import { isRouteErrorResponse, useRouteError } from 'react-router';

/**
 * Shown when a page throws while rendering. The navigation stays usable; reloading gets a fresh copy of the
 * app (e.g. after a deploy replaced the chunk this page needed).
 */
export function RouteErrorPage() {
  const error = useRouteError();
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
