import { assert } from '@sge/shared';
/**
 * Limits of claims and of the chain watcher (TIGER_STYLE: every count and time has a named maximum),
 * checked against each other when the module loads.
 */

/**
 * Most blocks one eth_getLogs of the watcher covers. Public providers cap log queries (Alchemy and Infura
 * at a few thousand blocks or 10,000 results); 2,000 mainnet blocks is under seven hours.
 */
export const CLAIM_WATCHER_BLOCK_RANGE_MAX = 2_000;
/** Most ranges one watcher tick reads per contract, so that a long catch-up yields between ticks. */
export const CLAIM_WATCHER_RANGES_PER_TICK_MAX = 25;
/** Claims returned by GET /api/claim/history (a wallet claims once per program; more are other contracts). */
export const CLAIM_HISTORY_ROWS_MAX = 100;

function check(condition: boolean, message: string) {
  assert(condition, `claim limits: ${message}`);
}
check(CLAIM_WATCHER_BLOCK_RANGE_MAX >= 1 && CLAIM_WATCHER_BLOCK_RANGE_MAX <= 10_000, 'range out of bounds');
check(CLAIM_WATCHER_RANGES_PER_TICK_MAX >= 1, 'a tick must read at least one range');
check(CLAIM_HISTORY_ROWS_MAX >= 1, 'history must return rows');
