import * as Sentry from '@sentry/react';
import { readAdminKey } from '../api/admin-client';
import { readAffiliateSession } from '../api/affiliate-client';
import { scrubEvent } from './scrub-event';

/**
 * Starts @sentry/react (loaded only through error-reporting.ts's dynamic import). Errors only: no tracing, no
 * replay, no breadcrumbs (they would carry request URLs and console lines), no user data; every event goes
 * through scrubEvent with the tab's admin key and affiliate token as secrets. Returns the capture function.
 */
export function initSentry(options: {
  dsn: string;
  release: string;
  environment: string;
}): (error: unknown) => void {
  Sentry.init({
    dsn: options.dsn,
    release: options.release,
    environment: options.environment,
    // No user data, cookies, headers or bodies, as the API's reporter (packages/api/src/monitoring).
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
    },
    maxBreadcrumbs: 0,
    beforeSend: (event) => scrubEvent(event, [readAdminKey(), readAffiliateSession()?.token ?? null]),
  });
  return (error) => {
    Sentry.captureException(error);
  };
}
