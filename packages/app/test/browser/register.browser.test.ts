import { registrationTypedData, ZWalletStatus } from '@sge/shared';
import type { Page, Request } from 'playwright-core';
import { type Address, type Hex, recoverTypedDataAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  DEV_ADMIN_KEY,
  expectText,
  FIRST_RENDER_TIMEOUT_MS,
  useMockStack,
  waitForProgramPayment,
  waitForProgramWrites,
} from './browser-stack';

/**
 * The Register page end to end: the real API in Mock mode (embedded database, chain and mint worker) as a
 * child process, the app's Vite dev server proxying to it, and headless Chromium. Registration mints a real
 * SGE-ID on the embedded chain.
 */

/** Accepting, batching and mining one registration in Mock mode takes a few seconds; allow plenty. */
const MINT_TIMEOUT_MS = 60_000;
/** After a reload, an already registered wallet's SGE-ID shows without any action, within this time. */
const RELOAD_RESULT_TIMEOUT_MS = 10_000;
/** How long the malformed-address test watches for requests that must not be sent. */
const QUIET_PERIOD_MS = 1_500;
/**
 * Requests the last test sends to use up this machine's per-IP budget (RATE_LIMIT_PER_IP_PER_MINUTE, default
 * 600 a minute), with margin.
 */
const RATE_LIMIT_PROBES_MAX = 2_000;

/** Requests the page sends to `pathPrefix` (e.g. `/api/register`), recorded from now on. */
function recordRequests(page: Page, pathPrefix: string): Request[] {
  const seen: Request[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith(pathPrefix)) seen.push(request);
  });
  return seen;
}

/**
 * Collects every text the progress live region shows, in order, from now on: the steps can pass quickly,
 * so polling the DOM from the test could miss one.
 */
async function recordProgressMessages(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const target = document.querySelector('[data-testid="progress-message"]');
    if (target === null) throw new Error('the progress live region is not on the page');
    const seen: string[] = [];
    (window as unknown as { __progress: string[] }).__progress = seen;
    new MutationObserver(() => {
      const text = target.textContent ?? '';
      if (text !== '' && seen.at(-1) !== text) seen.push(text);
    }).observe(target, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
}

describe('the Register page against the API in Mock mode', () => {
  const stack = useMockStack();
  const { withPage } = stack;

  it('registers the dev wallet with a referral, shows its token id, and shows it again at once after a reload', async () => {
    await withPage('/?ref=alpha', async (page) => {
      // Codes are case-insensitive: the page shows the affiliate's own spelling.
      const referral = page.getByTestId('referral');
      await page.getByTestId('referral-code').waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
      expect((await referral.textContent())?.trim()).toBe('Referred by ALPHA');

      await page.getByRole('button', { name: 'Use the dev wallet (Mock mode)' }).click();
      const connected = page.getByTestId('connected-address');
      await connected.waitFor();
      const address = (await connected.textContent())?.trim() ?? '';
      expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
      // The form takes the connected wallet's address and checks it: not registered yet.
      expect(await page.getByLabel('Wallet address').inputValue()).toBe(address);
      await page.getByTestId('not-registered').waitFor();

      const progress = await recordProgressMessages(page);
      const registerRequests = recordRequests(page, '/api/register');
      await page.getByRole('button', { name: 'Register', exact: true }).click();

      const tokenId = page.getByTestId('token-id');
      await tokenId.waitFor({ timeout: MINT_TIMEOUT_MS });
      // The SGE-ID's token id is the wallet address as a number (SGEID contract), as a decimal string.
      await expectText(tokenId).toBe(BigInt(address).toString());
      await expectText(page.getByTestId('result-referrer')).toBe('ALPHA');
      expect(await page.getByRole('heading', { name: 'Your SGE-ID is minted' }).count()).toBe(1);
      const txHash = page.getByTestId('tx-hash');
      await expectText(txHash).toMatch(/^0x[0-9a-f]{64}$/);
      // The local chain has no block explorer, so the hash is plain text, not a link.
      expect(await txHash.evaluate((element) => element.tagName)).toBe('CODE');

      const messages = await progress();
      expect(messages.at(-1)).toBe('Minted: your SGE-ID is in your wallet.');
      expect(
        messages.some((message) => message.startsWith('Accepted') || message.startsWith('Minting')),
        `progress messages seen: ${JSON.stringify(messages)}`,
      ).toBe(true);
      expect(registerRequests).toHaveLength(1);
      // The signing step: the dev wallet signed the registration silently (no prompt), and the request carries
      // the signature of exactly this registration by this wallet.
      const sent = registerRequests[0]?.postDataJSON() as { signature: Hex; expiresAt: number };
      expect(sent).toEqual({
        wallet: address,
        ref: 'alpha',
        signature: expect.stringMatching(/^0x[0-9a-f]{130}$/),
        expiresAt: expect.any(Number),
      });
      const signer = await recoverTypedDataAddress({
        ...registrationTypedData({
          programId: '00000000-0000-4000-8000-000000000001',
          wallet: address as Address,
          referral: 'alpha',
          chainId: 31337,
          expiresAt: sent.expiresAt,
        }),
        signature: sent.signature,
      });
      expect(signer).toBe(address);
      expect(registerRequests[0]?.headers()['idempotency-key']).toMatch(/^register-[0-9a-f]{32}$/);

      // What the page showed is what the API recorded.
      const { api } = stack;
      const status = ZWalletStatus.parse(
        await (await fetch(`${api.url}/api/status?wallet=${address}`)).json(),
      );
      expect(status.registration).toMatchObject({
        status: 'CONFIRMED',
        tokenId: BigInt(address).toString(),
        referredBy: 'ALPHA',
      });

      // A reload reconnects the remembered dev wallet and shows the SGE-ID without any click or new POST.
      const requestsAfterReload = recordRequests(page, '/api/register');
      await page.reload();
      await page.getByRole('heading', { name: 'This wallet has its SGE-ID' }).waitFor({
        timeout: RELOAD_RESULT_TIMEOUT_MS,
      });
      await expectText(page.getByTestId('token-id')).toBe(BigInt(address).toString());
      await expectText(page.getByTestId('result-referrer')).toBe('ALPHA');
      expect(await page.getByTestId('register-button').count()).toBe(0);
      expect(requestsAfterReload).toEqual([]);
    });
  });

  it('explains a malformed address as it is typed and sends nothing', async () => {
    await withPage('/', async (page) => {
      const input = page.getByLabel('Wallet address');
      await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
      const sent = [...recordRequests(page, '/api/register'), ...recordRequests(page, '/api/status')];
      const apiRequests = () => [...sent];
      const message = page.getByTestId('address-message');

      await input.pressSequentially('0x12345zz');
      await expectText(message).toBe('"z" cannot be in an address: after 0x only 0-9 and a-f are allowed.');
      expect(await input.getAttribute('aria-invalid')).toBe('true');

      await page.getByRole('button', { name: 'Register', exact: true }).click();
      // The input keeps the focus, so the message (linked with aria-describedby) is read out.
      expect(await input.evaluate((element) => element === document.activeElement)).toBe(true);
      await expectText(message).toContain('cannot be in an address');

      // A mixed-case address whose capitals do not match its EIP-55 checksum is a typo.
      await input.fill('0x70997970c51812dc3a010c7d01b50e0d17dc79C8');
      await expectText(message).toContain('do not match this address’s checksum');
      await page.getByRole('button', { name: 'Register', exact: true }).click();

      // Too short: a hint while typing, an error once Register is pressed.
      await input.fill('0x7099');
      await expectText(message).toBe('4 of 40 characters after 0x.');
      expect(await input.getAttribute('aria-invalid')).toBe('false');
      await page.getByRole('button', { name: 'Register', exact: true }).click();
      await expectText(message).toBe('The address is not complete: 4 of 40 characters after 0x.');
      expect(await input.getAttribute('aria-invalid')).toBe('true');

      await page.waitForTimeout(QUIET_PERIOD_MS);
      expect(apiRequests().map((request) => request.url())).toEqual([]);
      expect(await page.getByTestId('progress-steps').count()).toBe(0);
    });
  });

  it('asks a browser wallet on another chain to switch to the platform chain, and reconnects it after a reload', async () => {
    // A minimal EIP-1193 wallet injected before the app loads: it starts on chain 1, knows one account, and
    // switches chains when asked (as MetaMask does); it refuses every other method, which the page must not need.
    const account = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
    const initScript = `(() => {
      const listeners = {};
      let chainId = '0x1';
      let authorised = localStorage.getItem('test.wallet.authorised') === 'yes';
      window.ethereum = {
        async request({ method, params }) {
          if (method === 'eth_requestAccounts') {
            authorised = true;
            localStorage.setItem('test.wallet.authorised', 'yes');
            return ['${account}'];
          }
          if (method === 'eth_accounts') return authorised ? ['${account}'] : [];
          if (method === 'eth_chainId') return chainId;
          if (method === 'wallet_switchEthereumChain') {
            chainId = params[0].chainId;
            (listeners.chainChanged ?? []).forEach((listener) => listener(chainId));
            return null;
          }
          throw Object.assign(new Error('unsupported in this test wallet: ' + method), { code: 4200 });
        },
        on(event, listener) { (listeners[event] ??= []).push(listener); },
        removeListener(event, listener) {
          listeners[event] = (listeners[event] ?? []).filter((other) => other !== listener);
        },
      };
    })();`;

    await withPage(
      '/',
      async (page) => {
        await page.getByRole('button', { name: 'Connect browser wallet' }).click();
        const guard = page.getByTestId('wrong-network');
        await guard.waitFor();
        await expectText(guard).toContain('Your wallet is on chain 1 (Ethereum mainnet)');
        // Registering needs only the address, so the form already has it.
        expect(await page.getByLabel('Wallet address').inputValue()).toBe(account);

        await page.getByRole('button', { name: 'Switch to chain 31337' }).click();
        await guard.waitFor({ state: 'detached' });
        expect(await page.getByTestId('wallet-panel').getAttribute('data-wallet')).toBe('connected');

        // The choice is remembered; the wallet still authorises the site, so a reload reconnects silently
        // (and this wallet starts on chain 1 again, so the guard is back).
        await page.reload();
        await page.getByTestId('wrong-network').waitFor({ timeout: RELOAD_RESULT_TIMEOUT_MS });
        await expectText(page.getByTestId('connected-address')).toBe(account);

        await page.getByRole('button', { name: 'Disconnect' }).click();
        await page.getByRole('button', { name: 'Connect browser wallet' }).waitFor();
        expect(await page.evaluate(() => localStorage.getItem('sge.wallet.connector'))).toBeNull();
      },
      { initScript },
    );
  });

  it('explains a payment gate (with the checkout slot) and a paused program', async () => {
    const apiUrl = stack.api.url;
    const programId = ZWalletStatus.parse(
      await (await fetch(`${apiUrl}/api/status?wallet=0x0000000000000000000000000000000000000001`)).json(),
    ).programId;
    const admin = async (method: 'PATCH' | 'POST', path: string, body?: unknown) => {
      const response = await fetch(`${apiUrl}/api/admin/programs/${programId}${path}`, {
        method,
        headers: { 'x-admin-key': DEV_ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
    };

    try {
      await admin('PATCH', '', { paymentRequired: true });
      await waitForProgramPayment(apiUrl, programId, (payment) => payment.required);

      await withPage('/', async (page) => {
        const input = page.getByLabel('Wallet address');
        await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });

        // The wallet check already says a payment is needed; registering anyway gets the API's 402.
        await input.fill('0x976EA74026E726554dB657fA54763abd0C3a0aa9');
        const payment = page.getByTestId('payment-required');
        await payment.waitFor();
        expect(await payment.locator('[data-slot="checkout"]').count()).toBe(1);
        const answer = page.waitForResponse((response) => response.url().endsWith('/api/register'));
        await page.getByRole('button', { name: 'Register', exact: true }).click();
        expect((await answer).status()).toBe(402);
        await page.getByRole('button', { name: 'Try again' }).waitFor();
        await expectText(page.getByTestId('payment-required')).toContain('A payment is required first');
      });

      // Paused first: a program read that shows the payment gate off was made after the pause too.
      await admin('POST', '/pause');
      await admin('PATCH', '', { paymentRequired: false });
      await waitForProgramPayment(apiUrl, programId, (payment) => !payment.required);

      await withPage('/', async (page) => {
        const input = page.getByLabel('Wallet address');
        await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
        await input.fill('0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f');
        await page.getByTestId('not-registered').waitFor();
        await page.getByRole('button', { name: 'Register', exact: true }).click();
        const paused = page.locator('[data-testid="register-error"][data-kind="program-paused"]');
        await paused.waitFor();
        await expectText(paused).toContain('Registration is paused');
      });
    } finally {
      await admin('POST', '/resume');
      await admin('PATCH', '', { paymentRequired: false });
    }
  });

  it('refuses a wallet outside the allowlist with a message naming it, while the gate is on', async () => {
    const apiUrl = stack.api.url;
    const programId = ZWalletStatus.parse(
      await (await fetch(`${apiUrl}/api/status?wallet=0x0000000000000000000000000000000000000001`)).json(),
    ).programId;
    const admin = async (method: 'PATCH' | 'PUT', path: string, body: unknown) => {
      const response = await fetch(`${apiUrl}/api/admin/programs/${programId}${path}`, {
        method,
        headers: { 'x-admin-key': DEV_ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
    };
    // Anvil's account #11: not on the list, and not registered by the other tests (the dev wallet is, by the
    // first one, so it would show its SGE-ID instead of a Register button).
    const outsider = '0x71bE63f3384f5fb98995898A86B02Fb2426c5788';

    try {
      await admin('PUT', '/allowlist', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8']);
      await admin('PATCH', '', { allowlistRequired: true });
      await waitForProgramWrites(stack, programId);

      await withPage('/', async (page) => {
        const input = page.getByLabel('Wallet address');
        await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
        await input.fill(outsider);
        await page.getByTestId('not-registered').waitFor();
        const answer = page.waitForResponse((response) => response.url().endsWith('/api/register'));
        await page.getByRole('button', { name: 'Register', exact: true }).click();
        const response = await answer;
        expect(response.status()).toBe(403);
        expect(((await response.json()) as { error: string }).error).toBe('NOT_ALLOWLISTED');

        const refusal = page.locator('[data-testid="register-error"][data-kind="not-eligible"]');
        await refusal.waitFor();
        expect(await refusal.getAttribute('role')).toBe('alert');
        const text = await refusal.textContent();
        expect(text).toContain('This wallet is not on the allowlist');
        expect(text).toContain(`${outsider} is not on it`);
        // Nothing was recorded for it.
        const status = ZWalletStatus.parse(
          await (await fetch(`${apiUrl}/api/status?wallet=${outsider}`)).json(),
        );
        expect(status.registration.status).toBe('NOT_REGISTERED');
      });
    } finally {
      await admin('PATCH', '', { allowlistRequired: false });
      await admin('PUT', '/allowlist', []);
    }
  });

  it('solves the proof-of-work challenge of a program with that gate before sending, and registers', async () => {
    const apiUrl = stack.api.url;
    const programId = ZWalletStatus.parse(
      await (await fetch(`${apiUrl}/api/status?wallet=0x0000000000000000000000000000000000000001`)).json(),
    ).programId;
    const patch = async (body: unknown) => {
      const response = await fetch(`${apiUrl}/api/admin/programs/${programId}`, {
        method: 'PATCH',
        headers: { 'x-admin-key': DEV_ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, `PATCH: ${await response.clone().text()}`).toBe(200);
    };
    // Anvil's account #10, typed in: the program asks no proof of wallet here, so that a wallet the page cannot
    // sign for registers (the dev wallet, which signs, is already registered by the first test).
    const wallet = '0xBcd4042DE499D14e55001CcbB24a551F3b954096';

    try {
      await patch({ challengeRequired: true, registrationProof: 'none' });
      await waitForProgramWrites(stack, programId);

      await withPage('/', async (page) => {
        const input = page.getByLabel('Wallet address');
        await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
        await input.fill(wallet);
        await page.getByTestId('not-registered').waitFor();
        const challenges = recordRequests(page, '/api/register/challenge');
        const answers: { status: number; body: Record<string, unknown> }[] = [];
        page.on('response', async (response) => {
          if (new URL(response.url()).pathname === '/api/register') {
            answers.push({
              status: response.status(),
              body: (await response.json()) as Record<string, unknown>,
            });
          }
        });
        await page.getByRole('button', { name: 'Register', exact: true }).click();

        await page.getByTestId('token-id').waitFor({ timeout: MINT_TIMEOUT_MS });
        await expectText(page.getByTestId('token-id')).toBe(BigInt(wallet).toString());
        // The API asked for the challenge; the page fetched one for this wallet, solved it, and sent again.
        expect(answers.map((answer) => answer.status)).toEqual([403, 202]);
        expect(answers[0]?.body.error).toBe('CHALLENGE_REQUIRED');
        expect(challenges.map((request) => new URL(request.url()).searchParams.get('wallet'))).toEqual([
          wallet,
        ]);
      });
    } finally {
      await patch({ challengeRequired: false, registrationProof: 'required' });
    }
  });

  // Uses up the API's per-IP request budget for a minute, so it runs last.
  it('says when to try again after a 429, and keeps the button disabled until then', async () => {
    const apiUrl = stack.api.url;
    await withPage('/', async (page) => {
      const input = page.getByLabel('Wallet address');
      await input.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });

      // The page (through the dev server's proxy) and this test reach the API from the same IP.
      let probes = 0;
      for (; probes < RATE_LIMIT_PROBES_MAX; probes++) {
        const probe = await fetch(`${apiUrl}/api/affiliates/lookup?code=ALPHA`);
        if (probe.status === 429) break;
      }
      expect(probes, 'the API never answered 429').toBeLessThan(RATE_LIMIT_PROBES_MAX);

      // The wallet check is refused too; the page says so and still lets the user try to register.
      await input.fill('0x14dC79964da2C08b23698B3D3cc7Ca32193d9955');
      await page.getByTestId('check-error').waitFor();
      const answer = page.waitForResponse((response) => response.url().endsWith('/api/register'));
      await page.getByRole('button', { name: 'Register', exact: true }).click();
      const response = await answer;
      expect(response.status()).toBe(429);
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);

      const rateLimited = page.locator('[data-testid="register-error"][data-kind="rate-limited"]');
      await rateLimited.waitFor();
      await expectText(rateLimited.getByTestId('retry-after')).toMatch(
        /^You can try again in (\d+ s|1 min( \d+ s)?)\.$/,
      );
      const button = page.getByTestId('register-button');
      expect(await button.isDisabled()).toBe(true);
      await expectText(button).toMatch(/^Try again in /);
    });
  });
});
