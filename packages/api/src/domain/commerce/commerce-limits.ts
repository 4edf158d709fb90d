import { assert } from '@sge/shared';
/**
 * Limits of the Coinbase Commerce integration (TIGER_STYLE: every count and time has a named maximum).
 * Checked against each other when the module loads.
 */

/** GET /api/commerce/charge/:code asks Commerce again (Real mode) at most this often per charge. */
export const CHARGE_REFRESH_AFTER_MS = 30_000;
/** A simulated (Mock mode) charge can be paid for this long, like Commerce's one hour. */
export const MOCK_CHARGE_TTL_MS = 60 * 60 * 1000;
/** The simulated checkout waits this long for the API's own webhook endpoint to answer a delivery. */
export const MOCK_WEBHOOK_DELIVERY_TIMEOUT_MS = 30_000;
/** Longest error text kept on a webhook event that failed (the full error goes to the log). */
export const WEBHOOK_ERROR_LENGTH_MAX = 1_000;
/** Entries of a charge's status history returned by GET /api/commerce/charge/:code (newest kept). */
export const CHARGE_HISTORY_SHOWN_MAX = 50;
/** Longest charge name sent to Commerce (its limit is 100 characters). */
export const CHARGE_NAME_LENGTH_MAX = 100;

function check(condition: boolean, message: string) {
  assert(condition, `commerce limits: ${message}`);
}
check(CHARGE_REFRESH_AFTER_MS >= 1_000, 'a refresh per request would hammer Commerce');
check(MOCK_WEBHOOK_DELIVERY_TIMEOUT_MS < MOCK_CHARGE_TTL_MS, 'a delivery must fit in a charge lifetime');
check(CHARGE_HISTORY_SHOWN_MAX > 0 && WEBHOOK_ERROR_LENGTH_MAX > 0, 'limits must be positive');
