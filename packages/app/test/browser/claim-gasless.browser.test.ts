import { ZClaimHistory } from '@sge/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * The gasless claim on the Claim page in Mock mode (issue 19): the dev wallet registers, takes test USDC from the
 * faucet and claims by signing one EIP-3009 authorization in the page; the API's relayer sends the claim and is
 * repaid its relay fee in USDC.
 */

const SETUP_TIMEOUT_MS = 180_000;
const TEARDOWN_TIMEOUT_MS = 30_000;
const FIRST_RENDER_TIMEOUT_MS = 30_000;
const MINT_TIMEOUT_MS = 60_000;
const CLAIM_TIMEOUT_MS = 90_000;

describe('the gasless claim against the API in Mock mode', () => {
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

  async function withPage(path: string, use: (page: Page) => Promise<void>): Promise<void> {
    if (browser === undefined || app === undefined) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: MOBILE_VIEWPORT });
    await withOpenPage(page, { url: `${app.url}${path}`, apiOutput: () => api?.output() }, () => use(page));
  }

  it(
    'registers the dev wallet and claims with one USDC signature, the relayer sending the claim',
    async () => {
      await withPage('/', async (page) => {
        await page
          .getByRole('button', { name: 'Use the dev wallet (Mock mode)' })
          .click({ timeout: FIRST_RENDER_TIMEOUT_MS });
        const connected = page.getByTestId('connected-address');
        await connected.waitFor();
        const address = (await connected.textContent())?.trim() ?? '';
        await page.getByRole('button', { name: 'Register', exact: true }).click();
        await page.getByTestId('token-id').waitFor({ timeout: MINT_TIMEOUT_MS });

        // On a phone the navigation sits behind the Menu button.
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claim' }).click();
        await page.getByTestId('claim-eligibility').waitFor();
        await page.getByRole('button', { name: 'Get test USDC and USDT' }).click();
        await page
          .getByTestId('faucet-status')
          .filter({ hasText: 'Sent 1,000 test USDC' })
          .waitFor({ timeout: CLAIM_TIMEOUT_MS });

        // The fee and the relay fee are shown before signing.
        await page.getByRole('radio', { name: 'USDC' }).check();
        expect(await page.getByTestId('gasless-total').textContent()).toBe('100.5 USDC');
        await page.getByRole('button', { name: 'Claim 1,000 SGE without gas' }).click();
        await page
          .getByTestId('gasless-progress')
          .filter({ hasText: 'Claimed without gas' })
          .waitFor({ timeout: CLAIM_TIMEOUT_MS });
        await page.locator('[data-testid="claim-eligibility"][data-reason="ALREADY_CLAIMED"]').waitFor();

        if (api === undefined) throw new Error('setup did not complete');
        const history = ZClaimHistory.parse(
          await (await fetch(`${api.url}/api/claim/history?wallet=${address}`)).json(),
        );
        expect(history.claims).toMatchObject([{ token: 'USDC', fee: '100000000', relayFee: '500000' }]);
      });
    },
    CLAIM_TIMEOUT_MS * 2 + MINT_TIMEOUT_MS + FIRST_RENDER_TIMEOUT_MS,
  );
});
