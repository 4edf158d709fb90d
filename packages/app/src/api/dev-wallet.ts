/**
 * GET /api/dev/wallet (Mock mode only): the dev wallet's schema, shared with the API (@sge/shared).
 * Re-exported here so the app's wallet layer keeps one import path.
 */
export { type TDevWallet, ZDevWallet } from '@sge/shared';
