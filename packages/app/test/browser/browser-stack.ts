import { type TWalletStatus, ZWalletStatus } from '@sge/shared';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * The set-up every end-to-end browser test file shares: the real API in Mock mode (embedded database, chain,
 * workers) as a child process, the app's Vite dev server proxying to it, and headless Chromium; started once
 * per file, stopped after it. Also the waits those tests share: text that retries until it matches, and a
 * program setting that is waited for until the API serves it, instead of a fixed sleep.
 */

/** Starting the API (up to 90 s), Vite and Chromium, with room to spare. */
export const SETUP_TIMEOUT_MS = 180_000;
/** The API gets 10 s to stop cleanly before SIGKILL; Vite and Chromium close quickly. */
export const TEARDOWN_TIMEOUT_MS = 30_000;
/** The first render through a cold dev server includes dependency pre-bundling. */
export const FIRST_RENDER_TIMEOUT_MS = 30_000;
/** A text on the page reaches its expected value within this (expect.poll retries until then). */
export const TEXT_SETTLE_TIMEOUT_MS = 10_000;
/**
 * The API reuses a program read for up to 1 s (PROGRAM_CACHE_MS); an admin change is waited for until the API
 * serves it, at most this long (many times the cache's lifetime, for a busy machine).
 */
export const PROGRAM_CHANGE_VISIBLE_TIMEOUT_MS = 15_000;
/** How often a program read is repeated while waiting for a change. */
const PROGRAM_POLL_INTERVAL_MS = 100;

/** Mock mode's two demo admin keys (ADMIN_API_KEYS default outside Production); a money setting needs both. */
export const DEV_ADMIN_KEY = 'dev-admin-key';
export const DEV2_ADMIN_KEY = 'dev-admin-key-2';
export const DEFAULT_PROGRAM_ID = '00000000-0000-4000-8000-000000000001';
/** A wallet no test registers: its status is read only to see the program's settings. */
const OBSERVER_WALLET = '0x0000000000000000000000000000000000000001';

export interface TMockStack {
  readonly api: TApiProcess;
  readonly app: TAppDevServer;
  readonly browser: Browser;
  /**
   * Opens `path` in a fresh page (its own storage, a phone viewport unless told) and fails the test on any
   * uncaught error in the page; the API's log is attached to a failure.
   */
  withPage(
    path: string,
    use: (page: Page) => Promise<void>,
    options?: { initScript?: string; viewport?: { width: number; height: number } },
  ): Promise<void>;
  /** A request to the API with an admin key, JSON body if given. */
  admin(key: string, method: string, path: string, body?: unknown): Promise<Response>;
}

/**
 * Registers the beforeAll/afterAll of a file's API + Vite + Chromium stack and returns it; its members throw
 * when read before the set-up completed.
 *
 * @example
 * const stack = useMockStack();
 * it('…', () => stack.withPage('/', async (page) => {}));
 */
export function useMockStack(options: { apiEnv?: Record<string, string> } = {}): TMockStack {
  let api: TApiProcess | undefined;
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    api = await startApiProcess({ env: { MOCK_MODE: 'true', ...options.apiEnv } });
    app = await startAppDevServer({ apiUrl: api.url });
    browser = await launchBrowser();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await api?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('setup did not complete');
    return value;
  };

  return {
    get api() {
      return ready(api);
    },
    get app() {
      return ready(app);
    },
    get browser() {
      return ready(browser);
    },
    async withPage(path, use, pageOptions = {}) {
      const page = await ready(browser).newPage({ viewport: pageOptions.viewport ?? MOBILE_VIEWPORT });
      await withOpenPage(
        page,
        {
          url: `${ready(app).url}${path}`,
          apiOutput: () => api?.output(),
          initScript: pageOptions.initScript,
        },
        () => use(page),
      );
    },
    admin: (key, method, path, body) =>
      fetch(`${ready(api).url}${path}`, {
        method,
        headers: {
          'x-admin-key': key,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/**
 * The text of `locator`, retried until the matcher passes or TEXT_SETTLE_TIMEOUT_MS runs out: a page that
 * re-renders after the element appears is read again, not once.
 *
 * @example await expectText(page.getByTestId('token-id')).toBe('42');
 */
export function expectText(locator: Locator, timeoutMs = TEXT_SETTLE_TIMEOUT_MS) {
  return expect.poll(() => locator.textContent(), { timeout: timeoutMs, interval: 100 });
}

/** One wallet status as the API serves it now, program settings included (read through its program cache). */
async function readWalletStatus(apiUrl: string, programId: string): Promise<TWalletStatus> {
  const query = new URLSearchParams({ wallet: OBSERVER_WALLET, programId });
  const response = await fetch(`${apiUrl}/api/status?${query}`);
  return ZWalletStatus.parse(await response.json());
}

/**
 * Waits until the API serves a program whose payment settings satisfy `ready` (what GET /api/status shows of
 * the program), polling instead of sleeping out the program cache.
 *
 * @example await waitForProgramPayment(api.url, programId, (payment) => payment.required);
 */
export async function waitForProgramPayment(
  apiUrl: string,
  programId: string,
  ready: (payment: TWalletStatus['payment']) => boolean,
): Promise<void> {
  // A loop of its own rather than expect.poll, which vitest allows only inside a test, not in a beforeAll.
  const deadline = Date.now() + PROGRAM_CHANGE_VISIBLE_TIMEOUT_MS;
  let last: TWalletStatus['payment'] | null = null;
  while (Date.now() < deadline) {
    last = (await readWalletStatus(apiUrl, programId)).payment;
    if (ready(last)) return;
    await new Promise((resolve) => setTimeout(resolve, PROGRAM_POLL_INTERVAL_MS));
  }
  throw new Error(
    `the API did not serve the changed program within ${PROGRAM_CHANGE_VISIBLE_TIMEOUT_MS} ms; its payment settings: ${JSON.stringify(last)}`,
  );
}

/**
 * Waits until the API serves the program as it is now, for a change it does not show publicly (the allowlist
 * and challenge gates, a pause): turns the payment gate on and then off again and waits to see each. The
 * API reads the whole program at once, so a read that shows the last toggle was made after every write
 * before it. The payment gate must be off when this is called; it is off again when this returns.
 */
export async function waitForProgramWrites(
  stack: Pick<TMockStack, 'admin' | 'api'>,
  programId: string,
): Promise<void> {
  for (const required of [true, false]) {
    const response = await stack.admin(DEV_ADMIN_KEY, 'PATCH', `/api/admin/programs/${programId}`, {
      paymentRequired: required,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    await waitForProgramPayment(stack.api.url, programId, (payment) => payment.required === required);
  }
}
