import { REGISTRATION_PROOF_TTL_SECONDS_DEFAULT, registrationTypedData } from '@sge/shared';
import type { Page } from 'playwright-core';
import { createWalletClient, getAddress, type Hex, http, publicActions } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_KEY,
  FIRST_RENDER_TIMEOUT_MS,
  SETTLE_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  signInAsAdmin,
  startMoneyStack,
  TEARDOWN_TIMEOUT_MS,
  type TMoneyStack,
} from './money-fixtures';
import { MOBILE_VIEWPORT, withOpenPage } from './with-page';

/**
 * The overview dashboard and the /status additions end to end (issue 21): two wallets register through the API
 * (signed, minted by the worker), one claims with USDC on the embedded chain (through Mock mode's RPC proxy) and
 * records it; then, on a phone, /admin/overview shows them in its totals and charts, and /status shows the
 * ledger balanced and the 7-day chart from the public aggregate.
 */
const TEST_TIMEOUT_MS = 300_000;

describe('the overview dashboard and /status charts', () => {
  let stack: TMoneyStack | undefined;
  const wallets: PrivateKeyAccount[] = [];

  const s = () => {
    if (stack === undefined) throw new Error('setup did not complete');
    return stack;
  };

  async function register(account: PrivateKeyAccount, programId: string) {
    const expiresAt = Math.floor(Date.now() / 1000) + REGISTRATION_PROOF_TTL_SECONDS_DEFAULT;
    const signature = await account.signTypedData(
      registrationTypedData({ programId, wallet: account.address, referral: '', chainId: 31337, expiresAt }),
    );
    const body = { wallet: account.address, signature, expiresAt };
    const registered = await s().adminCall('POST', '/api/register', null, body);
    expect([200, 202], JSON.stringify(registered.body)).toContain(registered.status);
  }

  async function waitConfirmed(account: PrivateKeyAccount) {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const status = await s().adminCall('GET', `/api/status?wallet=${account.address}`, null);
      if (status.body?.registration?.status === 'CONFIRMED') return;
      if (Date.now() > deadline) throw new Error(`${account.address}: ${JSON.stringify(status.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Funds the wallet with the faucet, sends the prepared approve and claim, and records the claim. */
  async function claim(account: PrivateKeyAccount) {
    expect((await s().adminCall('POST', '/api/dev/faucet', null, { wallet: account.address })).status).toBe(
      200,
    );
    const prepared = await s().adminCall('POST', '/api/claim/prepare', null, {
      wallet: account.address,
      token: 'USDC',
    });
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(200);
    const client = createWalletClient({
      account,
      transport: http(`${s().api.url}/api/dev/rpc`),
    }).extend(publicActions);
    let last: Hex | null = null;
    for (const transaction of prepared.body.transactions) {
      last = await client.sendTransaction({
        to: getAddress(transaction.to),
        data: transaction.data as Hex,
        value: BigInt(transaction.value),
        chain: null,
      });
      const receipt = await client.waitForTransactionReceipt({ hash: last });
      expect(receipt.status, transaction.description).toBe('success');
    }
    const recorded = await s().adminCall('POST', '/api/claim/record', null, {
      wallet: account.address,
      txHash: last,
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
  }

  beforeAll(async () => {
    stack = await startMoneyStack();
    const programs = await stack.adminCall('GET', '/api/admin/programs', ALICE_KEY);
    const program = programs.body.items.find((p: { slug: string }) => p.slug === 'default');
    for (let index = 0; index < 2; index++) wallets.push(privateKeyToAccount(generatePrivateKey()));
    for (const account of wallets) await register(account, program.id);
    for (const account of wallets) await waitConfirmed(account);
    await claim(wallets[0]!);
  }, SETUP_TIMEOUT_MS + TEST_TIMEOUT_MS);

  afterAll(async () => stack?.stop(), TEARDOWN_TIMEOUT_MS);

  async function withPhonePage(path: string, use: (page: Page) => Promise<void>) {
    const context = await s().browser.newContext({ viewport: MOBILE_VIEWPORT });
    const page = await context.newPage();
    const url = `${s().app.url}${path}`;
    await withOpenPage(page, { url, apiOutput: () => s().api.output(), close: () => context.close() }, () =>
      use(page),
    );
  }

  it(
    'shows the registrations and the claim in the overview totals and charts on a phone',
    async () => {
      await withPhonePage('/admin', async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        await page
          .getByRole('navigation', { name: 'Admin sections' })
          .getByRole('link', { name: 'Overview' })
          .click();
        await page.waitForURL(/\/admin\/overview$/);
        const registrations = page.getByTestId('total-registrations');
        await registrations.getByText('2', { exact: true }).waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
        expect(await page.getByTestId('total-claims').locator('dd').textContent()).toBe('1');
        const revenue = (await page.getByTestId('total-revenueMicroUsd').locator('dd').textContent()) ?? '';
        expect(revenue).toMatch(/^[1-9][\d,]*\.\d{2,6} USD$/);
        // The charts (recharts, loaded with the page): today's bar of registrations and of claims is drawn.
        for (const chart of ['registrations', 'claims']) {
          const bars = page.getByTestId(`chart-${chart}`).locator('.recharts-bar-rectangle path');
          await bars.first().waitFor({ timeout: SETTLE_TIMEOUT_MS });
          expect(await bars.count(), chart).toBeGreaterThanOrEqual(1);
        }
        await page.getByTestId('relayer-runway').waitFor();
        // 24 h: two UTC days, the same totals (everything happened today).
        await page.getByLabel('24h').check();
        await page.getByText(/^UTC days .* to /).waitFor();
        expect(await page.getByTestId('total-claims').locator('dd').textContent()).toBe('1');
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows the ledger balanced and the 7-day chart from the public aggregate on /status',
    async () => {
      await withPhonePage('/status', async (page) => {
        await page.getByTestId('ledger-balanced').waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
        expect(await page.getByTestId('ledger-balanced').textContent()).toBe('Yes');
        const totals = page.getByTestId('activity-totals');
        await totals.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await totals.textContent()).toMatch(/^2 registrations, 1 claims \(UTC days /);
        const bars = page.getByTestId('chart-status-registrations').locator('.recharts-bar-rectangle path');
        await bars.first().waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await bars.count()).toBeGreaterThanOrEqual(1);
      });
    },
    TEST_TIMEOUT_MS,
  );
});
