import { ANVIL_PRIVATE_KEYS } from '@sge/contracts';
import { REGISTRATION_PROOF_TTL_SECONDS_DEFAULT, registrationTypedData } from '@sge/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { freePort, startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { withOpenPage } from './with-page';

/**
 * What the /affiliate and /admin browser tests share: the API in Mock mode with two named admins, each with a
 * wallet, and a short commission maturity interval, the app on a fixed port that the API's APP_ORIGIN names
 * (Sign-In with Ethereum checks the message's domain against it, and referral links are built from it), and
 * Chromium.
 */

/** Two named admins (the two-person rule needs two). Keys are ≥ 24 characters as the API requires. */
export const ALICE_KEY = 'alice-browser-test-admin-key-0001';
export const BOB_KEY = 'bob-browser-test-admin-key-000002';
/**
 * Their wallets: anvil's accounts #7 and #8, the wallets of Mock mode's demo admins. The Mock deployment makes
 * the configured admins' wallets its payout approvers, and GET /api/dev/admin-wallet gives each admin their
 * own key, so /admin signs their approvals without a wallet extension.
 */
export const ALICE_WALLET = privateKeyToAccount(ANVIL_PRIVATE_KEYS[7]);
export const BOB_WALLET = privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]);
/** Starting the API (up to 90 s), Vite and Chromium, with room to spare. */
export const SETUP_TIMEOUT_MS = 180_000;
export const TEARDOWN_TIMEOUT_MS = 30_000;
/** The first render through a cold dev server includes dependency pre-bundling. */
export const FIRST_RENDER_TIMEOUT_MS = 60_000;
/** Minting, maturing, paying on-chain: each takes seconds in Mock mode; allow plenty on a loaded machine. */
export const SETTLE_TIMEOUT_MS = 90_000;
/** Workers mature commissions this often in these tests (COMMISSION_MATURITY_INTERVAL_MS, default a minute). */
const MATURITY_INTERVAL_MS = 1_000;

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field.
export type TJsonResponse = { status: number; body: any };

export interface TMoneyStack {
  api: TApiProcess;
  app: TAppDevServer;
  browser: Browser;
  /** A JSON call to the API as admin `key` (or without credentials). */
  adminCall(method: string, path: string, key: string | null, body?: unknown): Promise<TJsonResponse>;
  /** A fresh browser context and page at `path` (own storage); fails the test on any uncaught page error. */
  withPage(path: string, use: (page: Page, context: BrowserContext) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoneyStack(): Promise<TMoneyStack> {
  const appPort = await freePort();
  const origin = `http://127.0.0.1:${appPort}`;
  const api = await startApiProcess({
    env: {
      MOCK_MODE: 'true',
      ADMIN_API_KEYS: `alice:${ALICE_KEY}:${ALICE_WALLET.address},bob:${BOB_KEY}:${BOB_WALLET.address}`,
      APP_ORIGIN: origin,
      COMMISSION_MATURITY_INTERVAL_MS: String(MATURITY_INTERVAL_MS),
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    },
  });
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;
  try {
    app = await startAppDevServer({ apiUrl: api.url, port: appPort });
    browser = await launchBrowser();
  } catch (error) {
    await app?.close();
    await api.stop();
    throw error;
  }
  const started = { api, app, browser };

  const adminCall = async (method: string, path: string, key: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers['x-admin-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  const withPage = async (path: string, use: (page: Page, context: BrowserContext) => Promise<void>) => {
    const context = await started.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    await withOpenPage(
      page,
      { url: `${origin}${path}`, apiOutput: () => api.output(), close: () => context.close() },
      () => use(page, context),
    );
  };

  return {
    ...started,
    adminCall,
    withPage,
    stop: async () => {
      await started.browser.close();
      await started.app.close();
      await api.stop();
    },
  };
}

/**
 * Makes the default program pay quickly: no hold period (commissions become PAYABLE at the next maturity
 * run) and a minimum payout of 1 micro-USD.
 */
export async function makeDefaultProgramPayFast(stack: TMoneyStack): Promise<string> {
  const programs = await stack.adminCall('GET', '/api/admin/programs', ALICE_KEY);
  expect(programs.status).toBe(200);
  const program =
    programs.body.items.find((p: { slug: string }) => p.slug === 'default') ?? programs.body.items.at(-1);
  const updated = await stack.adminCall('PATCH', `/api/admin/programs/${program.id}`, ALICE_KEY, {
    holdPeriodSeconds: 0,
    minPayoutMicroUsd: '1',
  });
  // Money settings take effect once a second admin approves them (issue 17's maker-checker).
  expect(updated.status, JSON.stringify(updated.body)).toBe(202);
  const approved = await stack.adminCall(
    'POST',
    `/api/admin/changes/${updated.body.pendingChange.id}/approve`,
    BOB_KEY,
  );
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return program.id as string;
}

/**
 * On /affiliate: connects the dev wallet, signs in with it (SIWE), and registers it as affiliate `code`
 * (under `parentCode`) when it is not one yet. Resolves once the dashboard shows.
 */
export async function signInAsDevWalletAffiliate(
  page: Page,
  options: { code: string; parentCode?: string },
): Promise<void> {
  await page
    .getByRole('button', { name: 'Use the dev wallet (Mock mode)' })
    .click({ timeout: FIRST_RENDER_TIMEOUT_MS });
  await page.getByTestId('connected-address').waitFor();
  await page.getByRole('button', { name: 'Sign in with your wallet' }).click();
  const form = page.getByTestId('register-affiliate-form');
  const dashboard = page.getByTestId('affiliate-dashboard');
  await form.or(dashboard).first().waitFor({ timeout: SETTLE_TIMEOUT_MS });
  if (await form.isVisible()) {
    await page.getByLabel('Your referral code').fill(options.code);
    if (options.parentCode !== undefined)
      await page.getByLabel('Parent code (optional)').fill(options.parentCode);
    await page.getByRole('button', { name: 'Sign the terms and register' }).click();
  }
  await dashboard.waitFor({ timeout: SETTLE_TIMEOUT_MS });
}

/**
 * A new user registers through the API with `ref`, signing the registration with its own fresh key (the proof
 * of wallet the default program requires, issue 18), as its wallet would; resolves to its address once the
 * registration is CONFIRMED with that referrer.
 */
export async function registerSignedUser(
  s: TMoneyStack,
  options: { programId: string; ref: string; chainId?: number },
): Promise<string> {
  const account = privateKeyToAccount(generatePrivateKey());
  const expiresAt = Math.floor(Date.now() / 1000) + REGISTRATION_PROOF_TTL_SECONDS_DEFAULT;
  const signature = await account.signTypedData(
    registrationTypedData({
      programId: options.programId,
      wallet: account.address,
      referral: options.ref,
      chainId: options.chainId ?? 31337,
      expiresAt,
    }),
  );
  const registered = await s.adminCall('POST', '/api/register', null, {
    wallet: account.address,
    ref: options.ref,
    signature,
    expiresAt,
  });
  expect([200, 202], JSON.stringify(registered.body)).toContain(registered.status);
  // The referral counts for payments once the mint worker has verified the signature and minted.
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const status = await s.adminCall('GET', `/api/status?wallet=${account.address}`, null);
    if (status.body?.registration?.status === 'CONFIRMED') {
      expect(status.body.registration.referredBy).toBe(options.ref.toUpperCase());
      return account.address;
    }
    if (Date.now() > deadline)
      throw new Error(`registration of ${account.address}: ${JSON.stringify(status.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Signs in on /admin with `key`. */
export async function signInAsAdmin(page: Page, key: string): Promise<void> {
  await page.getByLabel('Admin key').fill(key, { timeout: FIRST_RENDER_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Admin sections' }).waitFor({ timeout: SETTLE_TIMEOUT_MS });
}
