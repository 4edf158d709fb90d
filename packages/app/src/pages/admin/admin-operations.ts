/**
 * Which /admin screen serves which admin API operation: the one registry of the admin app's coverage of the
 * admin API (issue 21). An operation is written as `METHOD /path` with Fastify's `:param` placeholders,
 * exactly as the API declares its route; the OpenAPI document's `{param}` form is turned into this one.
 *
 * The screens use it: the admin router and navigation take each screen's path and label from
 * ADMIN_SCREENS, and the admin client builds its URLs with `adminPath(operation, params)`, so an operation
 * that leaves this registry no longer type-checks where it is called. `admin-operations.test.ts` reads the
 * live API's OpenAPI document and fails on an admin operation that is neither served by a screen nor listed
 * here as API-only with a reason, and on an entry here that the API no longer has.
 */

/** The /admin screens: route path (under the app) and navigation label. */
export const ADMIN_SCREENS = {
  programs: { path: '/admin', label: 'Programs' },
  program: { path: '/admin/programs/:programId', label: 'Program settings' },
  overview: { path: '/admin/overview', label: 'Overview' },
  intents: { path: '/admin/intents', label: 'Users & intents' },
  settlements: { path: '/admin/settlements', label: 'Settlements' },
  affiliates: { path: '/admin/affiliates', label: 'Affiliates' },
  commissions: { path: '/admin/commissions', label: 'Commissions' },
  ledger: { path: '/admin/ledger', label: 'Ledger' },
  payouts: { path: '/admin/payouts', label: 'Payout batches' },
  payments: { path: '/admin/payments', label: 'Manual payment' },
  changes: { path: '/admin/changes', label: 'Changes to approve' },
  audit: { path: '/admin/audit', label: 'Audit log' },
  reconciliation: { path: '/admin/reconciliation', label: 'Reconciliation' },
  operations: { path: '/admin/operations', label: 'Relayer & queues' },
} as const;
export type TAdminScreen = keyof typeof ADMIN_SCREENS;

type TCoverage = { screen: TAdminScreen } | { apiOnly: string };

/** Every admin operation of the API, with the screen that serves it or why it has none. */
export const ADMIN_OPERATIONS = {
  'GET /api/admin/me': { screen: 'payouts' }, // whose wallet signs batch approvals
  'GET /api/admin/programs': { screen: 'programs' },
  'POST /api/admin/programs': { screen: 'programs' },
  'POST /api/admin/programs/:programId/pause': { screen: 'programs' },
  'POST /api/admin/programs/:programId/resume': { screen: 'programs' },
  'GET /api/admin/programs/:programId': { screen: 'program' },
  'PATCH /api/admin/programs/:programId': { screen: 'program' },
  'GET /api/admin/programs/:programId/stats': { screen: 'program' },
  'PUT /api/admin/programs/:programId/allowlist': { screen: 'program' },
  'GET /api/admin/programs/:programId/api-keys': { screen: 'program' },
  'POST /api/admin/programs/:programId/api-keys': { screen: 'program' },
  'POST /api/admin/api-keys/:id/revoke': { screen: 'program' },
  'GET /api/admin/overview': { screen: 'overview' },
  'GET /api/admin/users': { screen: 'intents' },
  'GET /api/admin/intents': { screen: 'intents' },
  'GET /api/admin/intents/:id': {
    apiOnly:
      'one intent by id, for scripts and support links; the intents list already shows every field of each intent',
  },
  'POST /api/admin/intents/:id/retry': { screen: 'intents' },
  'GET /api/admin/settlements': { screen: 'settlements' },
  'POST /api/admin/settlements/:id/refund': { screen: 'settlements' },
  'POST /api/admin/commerce/charges/:code/refund': { screen: 'settlements' },
  'GET /api/admin/affiliates': { screen: 'affiliates' },
  'GET /api/admin/affiliates/:id': { screen: 'affiliates' },
  'POST /api/admin/affiliates/:id/suspend': { screen: 'affiliates' },
  'POST /api/admin/affiliates/:id/reinstate': { screen: 'affiliates' },
  'POST /api/admin/affiliates/:id/terminate': { screen: 'affiliates' },
  'GET /api/admin/commissions': { screen: 'commissions' },
  'GET /api/admin/ledger/accounts': { screen: 'ledger' },
  'GET /api/admin/ledger/balances': { screen: 'ledger' },
  'GET /api/admin/ledger/entries': { screen: 'ledger' },
  'GET /api/admin/ledger/verify': { screen: 'ledger' },
  'GET /api/admin/payout-batches': { screen: 'payouts' },
  'POST /api/admin/payout-batches': { screen: 'payouts' },
  'GET /api/admin/payout-batches/:batchId': { screen: 'payouts' },
  'POST /api/admin/payout-batches/:batchId/approve': { screen: 'payouts' },
  'POST /api/admin/payout-batches/:batchId/reject': { screen: 'payouts' },
  'POST /api/admin/payout-batches/:batchId/cancel': { screen: 'payouts' },
  'POST /api/admin/payout-batches/:batchId/execute': { screen: 'payouts' },
  'POST /api/admin/payments': { screen: 'payments' },
  'GET /api/admin/changes': { screen: 'changes' },
  'GET /api/admin/changes/:id': {
    apiOnly:
      'one change by id, for scripts and links from alerts; the changes list already shows each change in full (before → after)',
  },
  'POST /api/admin/changes/:id/approve': { screen: 'changes' },
  'POST /api/admin/changes/:id/reject': { screen: 'changes' },
  'GET /api/admin/audit-log': { screen: 'audit' },
  'POST /api/admin/reconciliation/run': { screen: 'reconciliation' },
  'POST /api/admin/reconciliation/full': { screen: 'reconciliation' },
  'GET /api/admin/reconciliation/latest': { screen: 'reconciliation' },
  'GET /api/admin/reconciliation/runs': { screen: 'reconciliation' },
  'GET /api/admin/reconciliation/runs/:id': { screen: 'reconciliation' },
  'GET /api/admin/reconciliation/live': { screen: 'reconciliation' },
  'POST /api/admin/reconciliation/stuck-intents/:id/retry': { screen: 'reconciliation' },
  'GET /api/admin/fund-check': { screen: 'operations' },
  'GET /api/admin/queues': { screen: 'operations' },
  'POST /api/admin/queues/:name/pause': { screen: 'operations' },
  'POST /api/admin/queues/:name/resume': { screen: 'operations' },
} as const satisfies Record<string, TCoverage>;
export type TAdminOperation = keyof typeof ADMIN_OPERATIONS;

/**
 * The URL path of `operation` with its `:params` filled in (URI-encoded).
 *
 * @example adminPath('POST /api/admin/affiliates/:id/suspend', { id }) // '/api/admin/affiliates/<id>/suspend'
 */
export function adminPath(operation: TAdminOperation, params: Record<string, string> = {}): string {
  const template = operation.slice(operation.indexOf(' ') + 1);
  return template.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`adminPath(${operation}): no value for :${name}`);
    return encodeURIComponent(value);
  });
}

/** The OpenAPI document's operations, as `METHOD /path` with `:param` placeholders. */
type TOpenApiDocument = { paths: Record<string, Record<string, unknown>> };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The admin operations an OpenAPI document lists: paths under /api/admin/, every method. */
export function adminOperationsOf(document: TOpenApiDocument): string[] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/admin/'))
    .flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method] !== undefined).map(
        (method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
      ),
    )
    .sort();
}

/**
 * Compares the API's admin operations with a registry: `unscreened` are operations with no screen and no
 * API-only reason (a new admin route the app does not serve), `stale` are registry entries the API no
 * longer has.
 */
export function adminCoverage(
  documented: readonly string[],
  registry: Record<string, TCoverage> = ADMIN_OPERATIONS,
): { screened: string[]; apiOnly: string[]; unscreened: string[]; stale: string[] } {
  const known = new Set(documented);
  const coverage = (operation: string): TCoverage | undefined =>
    Object.hasOwn(registry, operation) ? registry[operation] : undefined;
  return {
    screened: documented.filter((operation) => {
      const entry = coverage(operation);
      return entry !== undefined && 'screen' in entry;
    }),
    apiOnly: documented.filter((operation) => {
      const entry = coverage(operation);
      return entry !== undefined && 'apiOnly' in entry && entry.apiOnly.trim().length > 0;
    }),
    unscreened: documented.filter((operation) => {
      const entry = coverage(operation);
      return entry === undefined || ('apiOnly' in entry && entry.apiOnly.trim().length === 0);
    }),
    stale: Object.keys(registry).filter((operation) => !known.has(operation)),
  };
}
