import { ZClaimHistory, ZWalletStatus } from '@sge/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROGRAM_ID,
  DEV_ADMIN_KEY,
  expectText,
  FIRST_RENDER_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  useMockStack,
  waitForProgramPayment,
} from './browser-stack';

/**
 * The payment gate end to end in Mock mode: the real API (embedded database, chain, mint worker) as a child
 * process, the app's Vite dev server, headless Chromium. The default program requires a payment; the user
 * pays on the API's simulated Coinbase Commerce checkout, which delivers the signed webhook to the API
 * exactly as Commerce would, comes back to the Register page, is registered without another click, then
 * funds the dev wallet with the Mock faucet and claims with USDT from the Claim page.
 */

/** Accepting, batching and mining one registration in Mock mode takes a few seconds; allow plenty. */
const MINT_TIMEOUT_MS = 60_000;
/** Opening the checkout and coming back (two navigations, two webhook deliveries). */
const CHECKOUT_TIMEOUT_MS = 30_000;
/** Faucet (three transactions), then approve + claim + record on a busy machine. */
const CLAIM_TIMEOUT_MS = 60_000;

describe('paying through the simulated Commerce checkout, registering, then claiming (Mock mode)', () => {
  const stack = useMockStack();
  const { withPage } = stack;

  beforeAll(async () => {
    const gate = await stack.admin(DEV_ADMIN_KEY, 'PATCH', `/api/admin/programs/${DEFAULT_PROGRAM_ID}`, {
      paymentRequired: true,
    });
    expect(gate.status).toBe(200);
    await waitForProgramPayment(stack.api.url, DEFAULT_PROGRAM_ID, (payment) => payment.required);
  }, SETUP_TIMEOUT_MS);

  it(
    'pays on the checkout, comes back, registers with the referral kept, then claims with USDT from /claim',
    async () => {
      await withPage('/?ref=beta', async (page) => {
        const { api, app } = stack;
        await page
          .getByRole('button', { name: 'Use the dev wallet (Mock mode)' })
          .click({ timeout: FIRST_RENDER_TIMEOUT_MS });
        const connected = page.getByTestId('connected-address');
        await connected.waitFor();
        const address = (await connected.textContent())?.trim() ?? '';
        expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);

        // The wallet check says the program wants a payment first: the Pay button opens the checkout.
        await page.getByTestId('payment-required').waitFor();
        await page.getByTestId('checkout-button').click();
        await page.waitForURL((url) => url.pathname.startsWith('/api/commerce/checkout/'), {
          timeout: CHECKOUT_TIMEOUT_MS,
        });
        expect(new URL(page.url()).origin).toBe(api.url);
        await expectText(page.getByTestId('charge-amount')).toBe('100.00 USD');
        const code = (await page.getByTestId('charge-code').textContent())?.trim() ?? '';
        expect(code).toMatch(/^[A-Z0-9]{8}$/);

        await page.getByTestId('checkout-pay').click();
        await page.waitForURL((url) => url.origin === app.url && url.searchParams.get('checkout') === code, {
          timeout: CHECKOUT_TIMEOUT_MS,
        });
        expect(new URL(page.url()).searchParams.get('ref')).toBe('beta');
        await page
          .locator('[data-testid="checkout-notice"][data-status="paid"]')
          .waitFor({ timeout: CHECKOUT_TIMEOUT_MS });

        // Back on the Register page the registration goes through without another click.
        const tokenId = page.getByTestId('token-id');
        await tokenId.waitFor({ timeout: MINT_TIMEOUT_MS });
        await expectText(tokenId).toBe(BigInt(address).toString());
        await expectText(page.getByTestId('result-referrer')).toBe('BETA');

        const status = ZWalletStatus.parse(
          await (await fetch(`${api.url}/api/status?wallet=${address}`)).json(),
        );
        expect(status.payment).toEqual({ required: true, paid: true, provider: 'coinbase-commerce' });
        expect(status.registration).toMatchObject({ status: 'CONFIRMED', referredBy: 'BETA' });
        const charge = await (await fetch(`${api.url}/api/commerce/charge/${code}`)).json();
        expect(charge).toMatchObject({ status: 'CONFIRMED', paid: true, wallet: address });

        // Paid and registered: the Claim page lets the wallet claim (the payment gate counts the Commerce payment).
        // On a phone the navigation sits behind the Menu button.
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claim' }).click();
        await page.getByRole('heading', { name: 'Claim your SGE' }).waitFor();
        const eligibility = page.getByTestId('claim-eligibility');
        await eligibility.waitFor();
        expect(await eligibility.getAttribute('data-eligible')).toBe('true');

        // Mock mode's faucet, then a claim with USDT, each transaction signed in the page and awaited.
        await page.getByRole('button', { name: 'Get test USDC and USDT' }).click();
        await page
          .getByTestId('faucet-status')
          .filter({ hasText: 'Sent 1,000 test USDC and 1,000 test USDT.' })
          .waitFor({ timeout: CLAIM_TIMEOUT_MS });
        await page.getByRole('radio', { name: 'USDT' }).check();
        await page.getByRole('button', { name: 'Claim 1,000 SGE with USDT' }).click();
        await page.getByRole('heading', { name: 'SGE claimed' }).waitFor({ timeout: CLAIM_TIMEOUT_MS });
        await expectText(page.getByTestId('claimed-fee')).toBe('100 USDT');
        await expectText(page.getByTestId('claimed-amount')).toBe('1,000 SGE');
        const txHash = (await page.getByTestId('claim-tx-hash').textContent())?.trim() ?? '';
        expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);

        const history = ZClaimHistory.parse(
          await (await fetch(`${api.url}/api/claim/history?wallet=${address}`)).json(),
        );
        expect(history.claims).toMatchObject([{ txHash, token: 'USDT', fee: '100000000' }]);
      });
    },
    SETUP_TIMEOUT_MS,
  );

  it('comes back from a cancelled checkout saying so, still gated', async () => {
    await withPage('/', async (page) => {
      const input = page.getByLabel('Wallet address');
      await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
      await input.fill('0x90F79bf6EB2c4f870365E785982E1f101E93b906');
      await page.getByTestId('payment-required').waitFor();
      await page.getByTestId('checkout-button').click();
      await page.waitForURL((url) => url.pathname.startsWith('/api/commerce/checkout/'), {
        timeout: CHECKOUT_TIMEOUT_MS,
      });
      await page.getByTestId('checkout-cancel').click();
      await page
        .locator('[data-testid="checkout-notice"][data-status="unpaid"]')
        .waitFor({ timeout: CHECKOUT_TIMEOUT_MS });
      await expectText(page.getByTestId('checkout-notice')).toContain('without paying');
      await page.getByTestId('payment-required').waitFor();
    });
  });
});
