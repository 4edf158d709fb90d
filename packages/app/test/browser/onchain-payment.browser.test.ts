import { ZChange, ZWalletStatus } from '@sge/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * A direct on-chain payment end to end in Mock mode (issue 19): the default program takes its 100 USD fee
 * on-chain (a money setting: proposed by one demo admin, applied by the other) and requires it before
 * registering. The dev wallet gets test USDC from the Mock faucet, pays the fee in USDC straight to the
 * treasury from the Register page, the page reports the transfer, and the registration goes through.
 */

const SETUP_TIMEOUT_MS = 180_000;
const TEARDOWN_TIMEOUT_MS = 30_000;
const FIRST_RENDER_TIMEOUT_MS = 30_000;
/** Sending the transfer, mining it, recording it, then accepting, batching and mining the registration. */
const PAY_AND_MINT_TIMEOUT_MS = 90_000;
/** Mock mode's two demo admins (a money setting needs a second admin). */
const DEV_ADMIN_KEY = 'dev-admin-key';
const DEV2_ADMIN_KEY = 'dev-admin-key-2';
/** The API reuses a program read for up to 1 s (PROGRAM_CACHE_MS); admin changes are visible after this. */
const PROGRAM_CACHE_SETTLE_MS = 1_200;
const DEFAULT_PROGRAM_ID = '00000000-0000-4000-8000-000000000001';

describe('paying the program fee directly in USDC from the dev wallet, then registering (Mock mode)', () => {
  let api: TApiProcess | undefined;
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;

  const admin = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${api!.url}${path}`, {
      method,
      headers: {
        'x-admin-key': key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    api = await startApiProcess({ env: { MOCK_MODE: 'true' } });
    app = await startAppDevServer({ apiUrl: api.url });
    browser = await launchBrowser();
    const gate = await admin(DEV_ADMIN_KEY, 'PATCH', `/api/admin/programs/${DEFAULT_PROGRAM_ID}`, {
      paymentRequired: true,
      paymentProvider: 'onchain',
    });
    expect(gate.status).toBe(202);
    const { pendingChange } = (await gate.json()) as { pendingChange: { id: string } };
    const approved = await admin(DEV2_ADMIN_KEY, 'POST', `/api/admin/changes/${pendingChange.id}/approve`);
    expect(approved.status).toBe(200);
    expect(ZChange.parse(await approved.json()).status).toBe('APPLIED');
    await new Promise((resolve) => setTimeout(resolve, PROGRAM_CACHE_SETTLE_MS));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await api?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  async function withPage(path: string, use: (page: Page) => Promise<void>): Promise<void> {
    if (browser === undefined || app === undefined) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: MOBILE_VIEWPORT });
    await withOpenPage(page, { url: `${app.url}${path}`, apiOutput: () => api?.output() }, () => use(page));
  }

  it(
    'pays 100 USDC to the treasury from the page, is recorded once, and registers without a checkout',
    async () => {
      await withPage('/', async (page) => {
        if (api === undefined) throw new Error('setup did not complete');
        await page
          .getByRole('button', { name: 'Use the dev wallet (Mock mode)' })
          .click({ timeout: FIRST_RENDER_TIMEOUT_MS });
        const connected = page.getByTestId('connected-address');
        await connected.waitFor();
        const address = (await connected.textContent())?.trim() ?? '';
        expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
        const faucet = await fetch(`${api.url}/api/dev/faucet`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ wallet: address }),
        });
        expect(faucet.ok).toBe(true);

        // The program takes its fee on-chain: the page offers to pay from the wallet, not a checkout.
        await page.getByTestId('payment-required').waitFor();
        const pay = page.getByTestId('onchain-pay-button');
        await pay.waitFor();
        expect(await page.getByTestId('checkout-button').isVisible()).toBe(false);
        await pay.click();
        // Once the transfer is recorded the page registers the wallet (its notice gives way to the mint's
        // progress); if the wallet check refreshed first and reads the wallet as paid, the user registers.
        const next = page
          .locator(
            '[data-testid="token-id"], [data-testid="not-registered"], [data-testid="onchain-pay-error"]',
          )
          .first();
        await next.waitFor({ timeout: PAY_AND_MINT_TIMEOUT_MS });
        const shown = await next.getAttribute('data-testid');
        expect(shown, (await next.textContent()) ?? '').not.toBe('onchain-pay-error');
        if (shown === 'not-registered') await page.getByTestId('register-button').click();

        const tokenId = page.getByTestId('token-id');
        await tokenId.waitFor({ timeout: PAY_AND_MINT_TIMEOUT_MS });
        expect(await tokenId.textContent()).toBe(BigInt(address).toString());

        const status = ZWalletStatus.parse(
          await (await fetch(`${api.url}/api/status?wallet=${address}`)).json(),
        );
        expect(status.payment).toEqual({ required: true, paid: true, provider: 'onchain' });
        expect(status.registration.status).toBe('CONFIRMED');
        // Recorded once: one COMMERCE_PAYMENT settlement of 100 USDC for the wallet, whoever reported it.
        const settlements = (await (
          await admin(DEV_ADMIN_KEY, 'GET', `/api/admin/settlements?wallet=${address}`)
        ).json()) as { items: { kind: string; amount: string; currency: string }[] };
        const payments = settlements.items.filter((item) => item.kind === 'COMMERCE_PAYMENT');
        expect(payments).toHaveLength(1);
        expect(payments[0]).toMatchObject({ amount: '100000000', currency: 'USDC' });
      });
    },
    SETUP_TIMEOUT_MS,
  );
});
