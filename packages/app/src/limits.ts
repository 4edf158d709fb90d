/**
 * Every interval, timeout and size limit of the web app, in one place. The relationships between them
 * are checked when this module loads, so a bad edit fails at startup instead of misbehaving quietly.
 */

/** The /status page asks the API for a fresh snapshot this often (SPEC §7: "refreshes itself"). */
export const STATUS_REFRESH_INTERVAL_MS = 5_000;

/**
 * One API request may take this long before the app gives up on it. Shorter than the refresh interval,
 * so that a hanging API never lets status requests pile up behind each other.
 */
export const API_REQUEST_TIMEOUT_MS = 4_000;

/** "Last refreshed 12 s ago" ticks at this rate. */
export const RELATIVE_TIME_TICK_MS = 1_000;

/** A "Copied" confirmation stays visible this long. */
export const COPY_CONFIRMATION_MS = 2_000;

/** At most this many schema problems are quoted when the API answers with a body the app does not understand. */
export const SCHEMA_ISSUES_SHOWN_MAX = 5;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`limits.ts: ${message}`);
}

check(API_REQUEST_TIMEOUT_MS > 0, 'API_REQUEST_TIMEOUT_MS must be positive');
check(
  API_REQUEST_TIMEOUT_MS < STATUS_REFRESH_INTERVAL_MS,
  'API_REQUEST_TIMEOUT_MS must be shorter than STATUS_REFRESH_INTERVAL_MS so that status requests cannot pile up',
);
check(
  RELATIVE_TIME_TICK_MS <= STATUS_REFRESH_INTERVAL_MS,
  'RELATIVE_TIME_TICK_MS must not be longer than STATUS_REFRESH_INTERVAL_MS, or the age shown skips refreshes',
);
check(COPY_CONFIRMATION_MS > 0, 'COPY_CONFIRMATION_MS must be positive');
check(SCHEMA_ISSUES_SHOWN_MAX >= 1, 'SCHEMA_ISSUES_SHOWN_MAX must be at least 1');
