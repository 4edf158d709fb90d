import { affiliateTermsMessage } from '@sge/shared';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_KEY,
  registerSignedUser,
  SETTLE_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  signInAsAdmin,
  signInAsDevWalletAffiliate,
  startMoneyStack,
  TEARDOWN_TIMEOUT_MS,
  type TMoneyStack,
} from './money-fixtures';

/** The default program's id (created by the API's first migration). */
const DEFAULT_PROGRAM_ID = '00000000-0000-4000-8000-000000000001';

/**
 * /affiliate end to end against the API in Mock mode: the dev wallet signs in (Sign-In with Ethereum),
 * registers as an affiliate under the seeded ALPHA, a user registers through its referral link, an admin
 * enters the user's payment with the manual payment form on /admin, and the affiliate sees the commission.
 */
describe('the /affiliate page against the API in Mock mode', () => {
  let stack: TMoneyStack | undefined;

  beforeAll(async () => {
    stack = await startMoneyStack();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'signs in with the dev wallet, registers as an affiliate, and shows the commission of a referred payment',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      const s = stack;
      await s.withPage('/affiliate', async (page) => {
        await signInAsDevWalletAffiliate(page, { code: 'DEVAFF', parentCode: 'alpha' });
        expect(await page.getByTestId('affiliate-code').textContent()).toBe('DEVAFF');
        const link = (await page.getByTestId('referral-link').textContent())?.trim() ?? '';
        expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?ref=DEVAFF$/);
        await page.getByRole('button', { name: 'Copy the referral link' }).click();
        await page.getByText('Copied').waitFor();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
        await page.getByTestId('no-commissions').waitFor();
        await page.getByTestId('no-downline').waitFor();

        // A user registers with the link's code, signing with its own wallet (the default program asks a proof
        // of wallet, and the page can sign only for the dev wallet, which is the affiliate itself): first touch,
        // DEVAFF is the referrer. The Register page's own ?ref= flow is register.browser.test.ts's.
        const programs = await s.adminCall('GET', '/api/admin/programs', ALICE_KEY);
        const programId = programs.body.items.find((p: { slug: string }) => p.slug === 'default')
          .id as string;
        expect(new URL(link).searchParams.get('ref')).toBe('DEVAFF');
        const user = await registerSignedUser(s, { programId, ref: 'DEVAFF' });

        // An admin records the user's payment of 100 USD with the manual payment form.
        await s.withPage('/admin/payments', async (admin) => {
          await signInAsAdmin(admin, ALICE_KEY);
          await admin.getByLabel('Wallet').fill(user);
          await admin.getByLabel('Amount').fill('100');
          await admin.getByLabel('Reference').fill('browser-wire-1');
          await admin.getByLabel('Note').fill('bank transfer from the browser test');
          await admin.getByRole('button', { name: 'Record payment' }).click();
          const recorded = admin.getByTestId('payment-recorded');
          await recorded.waitFor({ timeout: SETTLE_TIMEOUT_MS });
          expect(await recorded.textContent()).toContain('2 commissions');
          // The same reference again records nothing new.
          await admin.getByRole('button', { name: 'Record payment' }).click();
          await admin.getByText('Already recorded (same reference): nothing changed').waitFor();
        });

        // The dashboard refreshes itself: 10 % of 100 USD to DEVAFF as the direct referrer.
        const row = page.getByTestId('commission-row').first();
        await row.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await row.getByTestId('commission-amount').textContent()).toBe('10.00 USD');
        expect(await row.textContent()).toContain('direct');
        await page.getByText('1 referrals, 1 commissions').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('stats-total').textContent()).toBe('10.00');
        expect(await page.locator('.stats-chart__bar[height]:not([height="0"])').count()).toBe(1);

        // Another wallet joins as an affiliate under DEVAFF: the downline tree shows it.
        const kid = privateKeyToAccount(generatePrivateKey());
        const terms = {
          programId: DEFAULT_PROGRAM_ID,
          wallet: kid.address,
          code: 'DEVKID',
          parentCode: 'DEVAFF',
        };
        // Mock mode's chain and the app's domain (the dev server), as the app signs them.
        const binding = { chainId: 31337, domain: new URL(s.app.url).host };
        const joined = await s.adminCall('POST', '/api/affiliates/register', null, {
          ...terms,
          signature: await kid.signMessage({ message: affiliateTermsMessage({ ...terms, ...binding }) }),
        });
        expect(joined.status, JSON.stringify(joined.body)).toBe(201);
        const node = page.getByTestId('downline-node');
        await node.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await node.textContent()).toContain('DEVKID');
        expect(await node.textContent()).toContain('level 1');
      });
    },
    SETUP_TIMEOUT_MS,
  );
});
