import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSentryStandIn } from '../../../api/test/support/sentry-stand-in';
import { systemStatusFixture } from '../fixtures/system-status';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { FIRST_RENDER_TIMEOUT_MS, SETUP_TIMEOUT_MS, TEARDOWN_TIMEOUT_MS } from './browser-stack';
import { launchBrowser } from './chromium';
import { MOBILE_VIEWPORT } from './with-page';

/**
 * The app's Sentry reporting in a real browser: the Vite dev server built with VITE_SENTRY_DSN pointing at a
 * local stand-in for Sentry's ingest endpoint (envelopes decoded with @sentry/core), a small stand-in API
 * answering GET /api/system/status, and headless Chromium. The status page's clock formatting is made to throw
 * while rendering, with the admin key and a wallet signature in the message, as a careless bug might.
 */

const ADMIN_KEY = 'browser-test-admin-key-0123456789';
const SIGNATURE = `0x${'ef'.repeat(65)}`;
const RELEASE = 'sge-app@browser-test';
/** The report is sent as soon as the route error page shows; allow for a busy machine. */
const REPORT_TIMEOUT_MS = 20_000;

describe('render errors reach Sentry (a local ingest stand-in) when VITE_SENTRY_DSN is set', () => {
  let sentry: Awaited<ReturnType<typeof startSentryStandIn>>;
  let api: Server;
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    sentry = await startSentryStandIn();
    api = createServer((request, response) => {
      const found = request.url === '/api/system/status';
      response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(found ? systemStatusFixture() : { error: 'NOT_FOUND', message: 'no' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    app = await startAppDevServer({
      apiUrl,
      env: { VITE_SENTRY_DSN: sentry.dsn, VITE_SENTRY_RELEASE: RELEASE },
    });
    browser = await launchBrowser();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    api?.close();
    sentry?.server.close();
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'sends the error as an envelope with the release, without the admin key or the signature',
    async () => {
      if (browser === undefined || app === undefined) throw new Error('setup did not complete');
      const page = await browser.newPage({ viewport: MOBILE_VIEWPORT });
      try {
        // The operator's key is in the tab (as after signing in to /admin); then a component throws with it.
        await page.addInitScript(
          ([key, signature]) => {
            sessionStorage.setItem('sge.admin.key', key);
            // `format` is an accessor returning a bound function: replace the accessor.
            Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
              configurable: true,
              get: () => () => {
                throw new Error(`clock broke for x-admin-key ${key} after approval ${signature}`);
              },
            });
          },
          [ADMIN_KEY, SIGNATURE] as const,
        );
        await page.goto(`${app.url}/status`);
        await page.getByText('This page could not be shown.').waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });

        await expect
          .poll(
            () =>
              sentry
                .events()
                .some(({ event }) =>
                  JSON.stringify(event.exception ?? '').includes('clock broke for x-admin-key'),
                ),
            { timeout: REPORT_TIMEOUT_MS, interval: 100 },
          )
          .toBe(true);
        const { envelope, event } = sentry
          .events()
          .find(({ event: candidate }) => JSON.stringify(candidate.exception ?? '').includes('clock broke'))!;
        expect(new URL(envelope.path, 'http://sentry').pathname).toBe('/api/42/envelope/');
        expect(event.release).toBe(RELEASE);
        expect(JSON.stringify(event.exception)).toContain(
          'clock broke for x-admin-key [Filtered] after approval [signature]',
        );
        const everything = JSON.stringify(sentry.envelopes);
        expect(everything).not.toContain(ADMIN_KEY);
        expect(everything).not.toContain(SIGNATURE.slice(2));
      } finally {
        await page.close();
      }
    },
    SETUP_TIMEOUT_MS,
  );
});
