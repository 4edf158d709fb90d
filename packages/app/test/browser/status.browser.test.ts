import { ZHealthResponse, ZSystemStatus } from '@sge/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { expectModeBanner } from './expect-mode-banner';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * The /status page end to end: the real API in Mock mode (embedded database and chain) as a child
 * process, the app's Vite dev server proxying to it, and headless Chromium.
 */

/** Starting the API (up to 90 s), Vite and Chromium, with room to spare. */
const SETUP_TIMEOUT_MS = 180_000;
/** The API gets 10 s to stop cleanly before SIGKILL; Vite and Chromium close quickly. */
const TEARDOWN_TIMEOUT_MS = 30_000;
/** Long enough for the first status response through a cold dev server (dependency pre-bundling). */
const FIRST_RENDER_TIMEOUT_MS = 30_000;

/** A decimal string such as "10000" or "0.5" that is greater than zero. */
function isPositiveDecimal(value: string): boolean {
  return /^\d+(\.\d+)?$/.test(value) && /[1-9]/.test(value);
}

describe('the /status page against the API in Mock mode', () => {
  let api: TApiProcess | undefined;
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    api = await startApiProcess({ env: { MOCK_MODE: 'true' } });
    app = await startAppDevServer({ apiUrl: api.url });
    browser = await launchBrowser();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await api?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  /** Opens `path` in a fresh page and fails the test on any uncaught error in the page. */
  async function withPage(path: string, use: (page: Page) => Promise<void>): Promise<void> {
    if (browser === undefined || app === undefined) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: MOBILE_VIEWPORT });
    await withOpenPage(page, { url: `${app.url}${path}`, apiOutput: () => api?.output() }, () => use(page));
  }

  it('shows the Mock banner, chain id 31337 and a funded relayer', async () => {
    await withPage('/status', async (page) => {
      await expectModeBanner(page, 'MOCK', FIRST_RENDER_TIMEOUT_MS);
      expect(await page.getByTestId('chain-id').textContent()).toBe('31337');

      const balance = (await page.getByTestId('relayer-balance').textContent()) ?? '';
      expect(balance).toMatch(/^\S+ ETH$/);
      expect(isPositiveDecimal(balance.replace(/ ETH$/, '')), `relayer balance "${balance}"`).toBe(true);
      expect(await page.getByTestId('api-error').count()).toBe(0);
    });
  });

  it('proxies /healthz and /api from the dev server to the API', async () => {
    if (app === undefined) throw new Error('setup did not complete');
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(ZHealthResponse.parse(await health.json()).mode).toBe('MOCK');

    const status = await fetch(`${app.url}/api/system/status`);
    expect(status.status).toBe(200);
    expect(ZSystemStatus.parse(await status.json()).chainId).toBe(31337);
  });

  it('links from the home page to Status and shows a not-found page for unknown paths', async () => {
    await withPage('/', async (page) => {
      await page.getByRole('link', { name: /Platform status/ }).click();
      await page.waitForURL(/\/status$/);
      await expectModeBanner(page, 'MOCK', FIRST_RENDER_TIMEOUT_MS);
      // On a phone the navigation is collapsed behind the Menu button: its links are there, hidden.
      expect(
        await page.getByRole('link', { name: 'Status', includeHidden: true }).getAttribute('aria-current'),
      ).toBe('page');
    });
    await withPage('/no-such-page', async (page) => {
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    });
  });

  // Stops the API, so it runs last.
  it('keeps the last good data on screen and shows an error when the API goes away', async () => {
    await withPage('/status', async (page) => {
      await expectModeBanner(page, 'MOCK', FIRST_RENDER_TIMEOUT_MS);
      await api?.stop();

      // The next refresh (every 5 s, each request timing out after 4 s) fails.
      await page.getByTestId('api-error').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('mode-banner').getAttribute('data-mode')).toBe('MOCK');
      expect(await page.getByTestId('chain-id').textContent()).toBe('31337');
      expect(await page.getByTestId('last-refreshed').textContent()).toContain('Stale');
    });
  });
});
