import { describe, expect, it } from 'vitest';
import { normalizeApiBaseUrl } from '../src/api/api-base-url';
import {
  API_PATH_PATTERNS,
  apiProxy,
  assertApiUrl,
  createAppViteConfig,
  DEV_SERVER_PORT,
} from '../vite.config';

function isApiPath(pathAndSearch: string): boolean {
  return API_PATH_PATTERNS.some((pattern) => pattern.test(pathAndSearch));
}

describe('API paths (dev proxy and service-worker denylist)', () => {
  it('cover the API, health and metrics endpoints, with or without a query', () => {
    for (const path of [
      '/api',
      '/api/system/status',
      '/api/status?wallet=0x1',
      '/healthz',
      '/healthz?x=1',
      '/metrics',
    ]) {
      expect(isApiPath(path), path).toBe(true);
    }
  });

  it('leave the app’s own routes alone, including look-alikes', () => {
    for (const path of ['/', '/status', '/apiary', '/healthzone', '/metrics-dashboard', '/admin/api']) {
      expect(isApiPath(path), path).toBe(false);
    }
  });

  it('proxy each API path to the target the caller gives', () => {
    const proxy = apiProxy('http://127.0.0.1:4321');
    expect(Object.keys(proxy)).toHaveLength(3);
    for (const [key, options] of Object.entries(proxy)) {
      expect(key.startsWith('^'), 'Vite treats keys starting with ^ as regular expressions').toBe(true);
      expect(options.target).toBe('http://127.0.0.1:4321');
    }
  });
});

describe('createAppViteConfig', () => {
  it('serves on port 5173 strictly and proxies to the given API', () => {
    const config = createAppViteConfig({ mode: 'test', apiProxyTarget: 'http://127.0.0.1:3999' });
    expect(config.server?.port).toBe(DEV_SERVER_PORT);
    expect(DEV_SERVER_PORT).toBe(5173);
    expect(config.server?.strictPort).toBe(true);
    const proxy = config.server?.proxy as Record<string, { target: string }>;
    expect(Object.values(proxy).map((options) => options.target)).toEqual(
      Array(3).fill('http://127.0.0.1:3999'),
    );
  });
});

describe('assertApiUrl', () => {
  const cases = [
    undefined,
    '',
    ' ',
    'https://api.example.com',
    'https://api.example.com/base/',
    'http://127.0.0.1:3000',
    'api.example.com',
    '/api',
    'ftp://api.example.com',
    'https://user:pw@api.example.com',
    'https://api.example.com/?x=1',
    'https://api.example.com/#x',
  ];

  it('accepts exactly what the app’s normalizeApiBaseUrl accepts, so the build fails where the app would', () => {
    for (const value of cases) {
      let appAccepts = true;
      try {
        normalizeApiBaseUrl(value);
      } catch {
        appAccepts = false;
      }
      let buildAccepts = true;
      try {
        assertApiUrl(value);
      } catch {
        buildAccepts = false;
      }
      expect(buildAccepts, String(value)).toBe(appAccepts);
    }
  });
});
