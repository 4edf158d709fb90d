import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TPlatform } from '../../../../api/src/platform';
import { startTestPlatform, tempDir } from '../../../../api/test/support/platform';
import { appRoutePaths } from '../../../test/browser/app-routes';
import {
  ADMIN_OPERATIONS,
  ADMIN_SCREENS,
  adminCoverage,
  adminOperationsOf,
  adminPath,
} from './admin-operations';

/**
 * The admin app covers the admin API (issue 21): every admin operation of the live API's OpenAPI document
 * has a screen in /admin or is listed as API-only with a reason, in admin-operations.ts.
 */
describe('admin app coverage of the admin API', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let documented: string[];

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path });
    const response = await fetch(`${platform.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    documented = adminOperationsOf(await response.json());
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('finds a screen or an API-only reason for every admin operation, and no entry the API lacks', () => {
    expect(documented.length).toBeGreaterThan(40);
    const coverage = adminCoverage(documented);
    expect(coverage.unscreened).toEqual([]);
    expect(coverage.stale).toEqual([]);
    expect(coverage.screened.length + coverage.apiOnly.length).toBe(documented.length);
    console.info(
      `admin operations: ${documented.length} = ${coverage.screened.length} with a screen + ${coverage.apiOnly.length} API-only (${coverage.apiOnly.join(', ')})`,
    );
  });

  it('fails on an admin route the app does not serve (a fake extra operation)', () => {
    const withNewRoute = [...documented, 'POST /api/admin/programs/:programId/archive'];
    expect(adminCoverage(withNewRoute).unscreened).toEqual(['POST /api/admin/programs/:programId/archive']);
    // An API-only entry needs a reason.
    const registry = { ...ADMIN_OPERATIONS, 'POST /api/admin/programs/:programId/archive': { apiOnly: ' ' } };
    expect(adminCoverage(withNewRoute, registry).unscreened).toEqual([
      'POST /api/admin/programs/:programId/archive',
    ]);
    // And a registry entry for a route the API dropped is caught too.
    expect(adminCoverage(documented.filter((op) => op !== 'GET /api/admin/fund-check')).stale).toEqual([
      'GET /api/admin/fund-check',
    ]);
  });

  it('reads the OpenAPI {param} form as the route form, every method of a path', () => {
    expect(
      adminOperationsOf({
        paths: {
          '/api/admin/x/{id}/y': { post: {}, get: {} },
          '/api/register': { post: {} },
        },
      }),
    ).toEqual(['GET /api/admin/x/:id/y', 'POST /api/admin/x/:id/y']);
  });

  it('has a client call for every screened operation (the admin clients build their URLs from the registry)', () => {
    const clients = ['../../api/admin-client.ts', '../../components/reconciliation/reconciliation-client.ts']
      .map((file) => readFileSync(new URL(file, import.meta.url), 'utf8'))
      .join('\n');
    const screened = Object.entries(ADMIN_OPERATIONS).filter(([, entry]) => 'screen' in entry);
    const missing = screened.map(([operation]) => operation).filter((op) => !clients.includes(`'${op}'`));
    expect(missing).toEqual([]);
    for (const [, entry] of screened) {
      if ('screen' in entry) expect(ADMIN_SCREENS[entry.screen].path).toMatch(/^\/admin/);
    }
  });

  it('routes every screen of the registry in the app', () => {
    const routes = appRoutePaths();
    const unrouted = Object.values(ADMIN_SCREENS)
      .map((screen) => screen.path)
      .filter((path) => !routes.includes(path));
    expect(unrouted).toEqual([]);
  });

  it('fills path parameters, URI-encoded, and refuses a missing one', () => {
    expect(adminPath('POST /api/admin/commerce/charges/:code/refund', { code: 'A B' })).toBe(
      '/api/admin/commerce/charges/A%20B/refund',
    );
    expect(() => adminPath('POST /api/admin/affiliates/:id/suspend')).toThrow(/:id/);
  });
});
