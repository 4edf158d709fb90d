import { ZChange, ZWalletStatus } from '@sge/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROGRAM_ID,
  DEV_ADMIN_KEY,
  DEV2_ADMIN_KEY,
  expectText,
  FIRST_RENDER_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  useMockStack,
  waitForProgramPayment,
} from './browser-stack';

/**
 * A direct on-chain payment end to end in Mock mode (issue 19): the default program takes its 100 USD fee
 * on-chain (a money setting: proposed by one demo admin, applied by the other) and requires it before
 * registering. The dev wallet gets test USDC from the Mock faucet, pays the fee in USDC straight to the
 * treasury from the Register page, the page reports the transfer, and the registration goes through.
 */

/** Sending the transfer, mining it, recording it, then accepting, batching and mining the registration. */
const PAY_AND_MINT_TIMEOUT_MS = 90_000;

describe('paying the program fee directly in USDC from the dev wallet, then registering (Mock mode)', () => {
  const stack = useMockStack();
  const { withPage, admin } = stack;

  beforeAll(async () => {
    const gate = await admin(DEV_ADMIN_KEY, 'PATCH', `/api/admin/programs/${DEFAULT_PROGRAM_ID}`, {
      paymentRequired: true,
      paymentProvider: 'onchain',
    });
    expect(gate.status).toBe(202);
    const { pendingChange } = (await gate.json()) as { pendingChange: { id: string } };
    const approved = await admin(DEV2_ADMIN_KEY, 'POST', `/api/admin/changes/${pendingChange.id}/approve`);
    expect(approved.status).toBe(200);
    expect(ZChange.parse(await approved.json()).status).toBe('APPLIED');
    await waitForProgramPayment(
      stack.api.url,
      DEFAULT_PROGRAM_ID,
      (payment) => payment.required && payment.provider === 'onchain',
    );
  }, SETUP_TIMEOUT_MS);

  it(
    'pays 100 USDC to the treasury from the page, is recorded once, and registers without a checkout',
    async () => {
      await withPage('/', async (page) => {
        const { api } = stack;
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
        await expectText(tokenId).toBe(BigInt(address).toString());

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
