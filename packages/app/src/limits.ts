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

/**
 * While an SGE-ID is being minted, the Register page asks GET /api/status this often. Polls are sequential
 * (the next one is scheduled when the previous answer or failure arrives), so they never overlap.
 */
export const REGISTRATION_POLL_INTERVAL_MS = 1_000;

/**
 * A program's proof-of-work challenge (ALTCHA) takes ~0.4 s on average in a browser (the API draws the
 * counter below 50,000); past this the page gives up and shows the failure, which a retry solves anew.
 */
export const CHALLENGE_SOLVE_TIMEOUT_MS = 30_000;

/**
 * After a failed poll the next one waits longer: 2 s, 4 s, 8 s, then every 15 s (the interval doubled per
 * consecutive failure, capped here), so that an API in trouble is not hammered by every open page.
 */
export const REGISTRATION_POLL_BACKOFF_MAX_MS = 15_000;

/**
 * The Register page stops polling after this long without a final answer and offers "Check again": the
 * mint goes on in the background (the intent is committed), and a forgotten tab should not poll forever.
 */
export const REGISTRATION_POLL_DURATION_MAX_MS = 5 * 60_000;

/**
 * Used when a 429 carries no usable Retry-After header: the API's rate-limit windows are one minute long.
 */
export const RATE_LIMIT_RETRY_DEFAULT_MS = 60_000;

/** The API's chain id and mode (which wallets to offer, which network to require) are re-read this often. */
export const CHAIN_SETTINGS_STALE_MS = 60_000;

/**
 * A returning visitor whose browser wallet was connected is reconnected once the wallet has injected itself
 * or announced itself (EIP-6963); some extensions do that only after the page has loaded (`ethereum#initialized`).
 * After this long without that wallet, the app stops waiting and shows the connect buttons.
 */
export const INJECTED_PROVIDER_WAIT_MS = 3_000;

/** waitForReceipt asks the chain for the receipt this often (the local chain mines at once; mainnet every 12 s). */
export const RECEIPT_POLL_INTERVAL_MS = 1_000;

/** How long waitForReceipt waits for a transaction to be mined before it gives up. */
export const TRANSACTION_RECEIPT_TIMEOUT_MS = 3 * 60_000;

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
check(
  REGISTRATION_POLL_INTERVAL_MS > 0 && REGISTRATION_POLL_INTERVAL_MS <= REGISTRATION_POLL_BACKOFF_MAX_MS,
  'REGISTRATION_POLL_INTERVAL_MS must be positive and at most REGISTRATION_POLL_BACKOFF_MAX_MS',
);
check(
  REGISTRATION_POLL_DURATION_MAX_MS >= 10 * REGISTRATION_POLL_BACKOFF_MAX_MS,
  'REGISTRATION_POLL_DURATION_MAX_MS must leave room for several backed-off polls',
);
check(RATE_LIMIT_RETRY_DEFAULT_MS > 0, 'RATE_LIMIT_RETRY_DEFAULT_MS must be positive');
check(INJECTED_PROVIDER_WAIT_MS > 0, 'INJECTED_PROVIDER_WAIT_MS must be positive');
check(CHAIN_SETTINGS_STALE_MS > 0, 'CHAIN_SETTINGS_STALE_MS must be positive');
check(
  RECEIPT_POLL_INTERVAL_MS > 0 && RECEIPT_POLL_INTERVAL_MS < TRANSACTION_RECEIPT_TIMEOUT_MS,
  'RECEIPT_POLL_INTERVAL_MS must be positive and shorter than TRANSACTION_RECEIPT_TIMEOUT_MS',
);

/** The /affiliate page re-reads the signed-in affiliate's profile, commissions and payouts this often. */
export const AFFILIATE_REFRESH_INTERVAL_MS = 5_000;
/** The /admin pages re-read their lists this often (SPEC §7: the reconciliation page every 30 s). */
export const ADMIN_REFRESH_INTERVAL_MS = 5_000;
/** A Sign-In with Ethereum message the app asks the wallet to sign is valid this long. */
export const SIWE_MESSAGE_VALIDITY_MS = 10 * 60_000;
check(
  API_REQUEST_TIMEOUT_MS < AFFILIATE_REFRESH_INTERVAL_MS &&
    API_REQUEST_TIMEOUT_MS < ADMIN_REFRESH_INTERVAL_MS,
  'requests of the affiliate and admin pages must time out before the next refresh',
);

/**
 * Payout batch actions that reach the chain (creating reads the payout contract, a signature is checked
 * against it, cancelling a signed batch voids it on-chain first) may take this long before the app gives up
 * waiting; the API finishes or refuses the action either way, and the list shows the outcome.
 */
export const ADMIN_CHAIN_ACTION_TIMEOUT_MS = 60_000;
check(
  ADMIN_CHAIN_ACTION_TIMEOUT_MS > API_REQUEST_TIMEOUT_MS,
  'ADMIN_CHAIN_ACTION_TIMEOUT_MS must be longer than API_REQUEST_TIMEOUT_MS',
);

/**
 * An admin CSV export streams the whole filtered range (every settlement of a program), so it may take this
 * long before the app gives up; a JSON page of the same list answers within API_REQUEST_TIMEOUT_MS.
 */
export const ADMIN_EXPORT_TIMEOUT_MS = 60_000;
check(
  ADMIN_EXPORT_TIMEOUT_MS > API_REQUEST_TIMEOUT_MS,
  'ADMIN_EXPORT_TIMEOUT_MS must be longer than API_REQUEST_TIMEOUT_MS',
);

/** Claim calls: recording waits for the API's on-chain verification (several chain reads), more than a plain read. */
export const CLAIM_REQUEST_TIMEOUT_MS = 20_000;
/**
 * Checkout calls: creating a charge in Real mode waits for Coinbase Commerce's API (the API gives it 10 s),
 * so this is longer than API_REQUEST_TIMEOUT_MS.
 */
export const CHECKOUT_REQUEST_TIMEOUT_MS = 15_000;
check(
  CLAIM_REQUEST_TIMEOUT_MS > API_REQUEST_TIMEOUT_MS && CHECKOUT_REQUEST_TIMEOUT_MS > API_REQUEST_TIMEOUT_MS,
  'the claim and checkout timeouts must be longer than API_REQUEST_TIMEOUT_MS: they wait on the chain or Coinbase',
);
