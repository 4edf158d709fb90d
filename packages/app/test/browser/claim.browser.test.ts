import { ZClaimHistory, ZClaimInfo } from '@sge/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * The Claim page end to end in Mock mode: the real API (embedded database, chain, workers) as a child
 * process, the app's Vite dev server, headless Chromium. The dev wallet registers for its SGE-ID, funds itself
 * with the faucet and claims with USDC from /claim; every transaction is signed in the page and mined on the
 * embedded chain, and the API verifies the claim on the chain before recording it.
 */

/** Starting the API (up to 90 s), Vite and Chromium, with room to spare. */
const SETUP_TIMEOUT_MS = 180_000;
const TEARDOWN_TIMEOUT_MS = 30_000;
/** The first render through a cold dev server includes dependency pre-bundling. */
const FIRST_RENDER_TIMEOUT_MS = 30_000;
/** Accepting, batching and minting one registration in Mock mode takes a few seconds; allow plenty. */
const MINT_TIMEOUT_MS = 60_000;
/** Faucet (three transactions), then approve + claim + record on a busy machine. */
const CLAIM_TIMEOUT_MS = 60_000;

describe('the Claim page against the API in Mock mode', () => {
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
    'registers the dev wallet, funds it with the faucet, and claims with USDC from /claim',
    async () => {
      await withPage('/', async (page) => {
        await page
          .getByRole('button', { name: 'Use the dev wallet (Mock mode)' })
          .click({ timeout: FIRST_RENDER_TIMEOUT_MS });
        const connected = page.getByTestId('connected-address');
        await connected.waitFor();
        const address = (await connected.textContent())?.trim() ?? '';
        expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
        await page.getByTestId('not-registered').waitFor();
        await page.getByRole('button', { name: 'Register', exact: true }).click();
        await page.getByTestId('token-id').waitFor({ timeout: MINT_TIMEOUT_MS });

        // To the Claim page through the navigation; the wallet stays connected.
        // On a phone the navigation sits behind the Menu button.
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claim' }).click();
        await page.getByRole('heading', { name: 'Claim your SGE' }).waitFor();
        const eligibility = page.getByTestId('claim-eligibility');
        await eligibility.waitFor();
        expect(await eligibility.getAttribute('data-eligible')).toBe('true');
        expect(await page.getByTestId('eligibility-verdict').textContent()).toContain('Eligible to claim');

        // Without stablecoins the page says so, and claiming anyway is refused with a clear error.
        await page.getByTestId('claim-balance-short').waitFor();
        await page.getByRole('button', { name: 'Claim 1,000 SGE with USDC' }).click();
        const problem = page.getByRole('alert').filter({ hasText: 'Insufficient balance' });
        await problem.waitFor({ timeout: CLAIM_TIMEOUT_MS });
        expect(await problem.textContent()).toContain('less than the fee of 100000000');

        // Mock mode's faucet funds the dev wallet with test stablecoins.
        await page.getByRole('button', { name: 'Get test USDC and USDT' }).click();
        await page
          .getByTestId('faucet-status')
          .filter({ hasText: 'Sent 1,000 test USDC and 1,000 test USDT.' })
          .waitFor({ timeout: CLAIM_TIMEOUT_MS });
        await page
          .getByTestId('balance-usdc')
          .filter({ hasText: /^1,000$/ })
          .waitFor();

        // The page's own POST /api/claim/record answers, in order (CLAIM_TX_PENDING until the claim is final).
        const recordAnswers: Promise<{ status: number; body: unknown }>[] = [];
        page.on('response', (response) => {
          if (response.request().method() !== 'POST' || !response.url().includes('/api/claim/record')) return;
          recordAnswers.push(response.json().then((body: unknown) => ({ status: response.status(), body })));
        });

        await page.getByRole('radio', { name: 'USDC' }).check();
        await page.getByRole('button', { name: 'Claim 1,000 SGE with USDC' }).click();
        await page.getByRole('heading', { name: 'SGE claimed' }).waitFor({ timeout: CLAIM_TIMEOUT_MS });

        // Two transactions, each done: approve the fee, then claim (no reset: there was no allowance).
        const steps = page.getByTestId('claim-steps').locator('li');
        expect(
          await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-step'))),
        ).toEqual(['approve', 'claim']);
        expect(
          await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-state'))),
        ).toEqual(['done', 'done']);
        expect(await page.getByTestId('claimed-amount').textContent()).toBe('1,000 SGE');
        expect(await page.getByTestId('claimed-fee').textContent()).toBe('100 USDC');
        expect(await page.getByTestId('claim-progress').textContent()).toBe(
          'Claimed: the SGE is in your wallet.',
        );
        const txHash = (await page.getByTestId('claim-tx-hash').textContent())?.trim() ?? '';
        expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
        // Eligibility is re-read: the wallet has claimed.
        await page.locator('[data-testid="claim-eligibility"][data-reason="ALREADY_CLAIMED"]').waitFor();

        // What the page showed is what the API recorded, verified on the chain.
        if (api === undefined) throw new Error('setup did not complete');
        const history = ZClaimHistory.parse(
          await (await fetch(`${api.url}/api/claim/history?wallet=${address}`)).json(),
        );
        // Recorded exactly once, by whichever came first: the page's record call (201) or the chain watcher,
        // which follows the head in Mock mode and may see the claim's block first (the page's call then
        // answers 200 with the same claim).
        const final = (await Promise.all(recordAnswers)).filter(
          (answer) => answer.status === 200 || answer.status === 201,
        );
        expect(final).toHaveLength(1);
        expect(final[0]?.body).toMatchObject({
          created: final[0]?.status === 201,
          claim: { txHash, token: 'USDC', fee: '100000000' },
        });
        const source = final[0]?.status === 201 ? 'api' : 'watcher';
        expect(history.claims).toMatchObject([{ txHash, token: 'USDC', source, fee: '100000000' }]);
        const info = ZClaimInfo.parse(
          await (await fetch(`${api.url}/api/claim/info?wallet=${address}`)).json(),
        );
        expect(info).toMatchObject({ eligible: false, reason: 'ALREADY_CLAIMED' });
        expect(info.tokens.USDC.balance).toBe('900000000');
      });
    },
    CLAIM_TIMEOUT_MS + MINT_TIMEOUT_MS + FIRST_RENDER_TIMEOUT_MS,
  );
});
