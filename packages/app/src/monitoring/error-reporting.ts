/**
 * The app's error reporting, kept out of the first page's bundle: with VITE_SENTRY_DSN set at build time,
 * @sentry/react is loaded after the first render (a dynamic import, its own chunk) and reports uncaught errors,
 * unhandled rejections and the render errors the routes' error page catches; without it nothing is loaded.
 * Errors reported before Sentry has loaded are kept (up to ERRORS_KEPT_BEFORE_LOAD_MAX) and sent once it has.
 */

/** Render errors held while @sentry/react loads; more than a handful in that second would be one error repeated. */
const ERRORS_KEPT_BEFORE_LOAD_MAX = 20;

type TSink = (error: unknown) => void;

let sink: TSink | null = null;
/** Null when reporting is off (no DSN): nothing is kept. */
let pending: unknown[] | null = [];

/** Reports an error the app caught itself (the route error page); a no-op without VITE_SENTRY_DSN. */
export function reportError(error: unknown): void {
  if (sink !== null) sink(error);
  else if (pending !== null && pending.length < ERRORS_KEPT_BEFORE_LOAD_MAX) pending.push(error);
}

/**
 * Loads and starts Sentry when the build has a DSN. `release` defaults to VITE_SENTRY_RELEASE, else the app's
 * name with `dev`.
 *
 * @example void startErrorReporting();
 */
export async function startErrorReporting(
  env: { VITE_SENTRY_DSN?: string; VITE_SENTRY_RELEASE?: string; MODE?: string } = import.meta.env,
): Promise<void> {
  const dsn = env.VITE_SENTRY_DSN?.trim() ?? '';
  if (dsn === '') {
    pending = null;
    return;
  }
  const { initSentry } = await import('./sentry');
  sink = initSentry({
    dsn,
    release: env.VITE_SENTRY_RELEASE?.trim() || 'sge-app@dev',
    environment: env.MODE ?? 'production',
  });
  for (const error of pending ?? []) sink(error);
  pending = [];
}
