import type { Browser, Page } from 'playwright-core';
import { getAddress, type Hex, type TypedDataDefinition } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type TApiProcess } from './api-process';
import { appRoutePaths } from './app-routes';
import { startAppDevServer, type TAppDevServer } from './app-server';
import { launchBrowser } from './chromium';
import { withOpenPage } from './with-page';

/**
 * Wallets through wagmi, and the app on a 360-px phone, end to end: the real API in Mock mode as a child
 * process, the app's Vite dev server, headless Chromium.
 * - Two browser wallets announce themselves by EIP-6963 (injected before the app loads); both are offered by
 *   name and icon, and each connects and signs a registration's proof of wallet (signed in Node by a viem
 *   local account behind page.exposeFunction), which the API verifies before it mints.
 * - At 360 × 740 no route of the app's router scrolls sideways, and the navigation sits behind a Menu button.
 */

/** Starting the API (up to API_READY_TIMEOUT_MS on a loaded machine), Vite and Chromium, with room to spare. */
const API_READY_TIMEOUT_MS = 240_000;
const SETUP_TIMEOUT_MS = 300_000;
const TEARDOWN_TIMEOUT_MS = 30_000;
/** The first render through a cold dev server includes dependency pre-bundling. */
const FIRST_RENDER_TIMEOUT_MS = 30_000;
/** Accepting, batching and mining one registration in Mock mode takes a few seconds; allow plenty. */
const MINT_TIMEOUT_MS = 60_000;
/** A page is measured once its requests have settled, or after this long (the status page polls). */
const SETTLE_TIMEOUT_MS = 3_000;
/** The first navigation waits for the dev server to pre-bundle the dependencies, slow on a loaded machine. */
const NAVIGATION_TIMEOUT_MS = 120_000;
/** Visiting every route, each up to FIRST_RENDER_TIMEOUT_MS + SETTLE_TIMEOUT_MS (a dozen routes or so). */
const ALL_ROUTES_TIMEOUT_MS = 300_000;
/** The narrowest phone the app supports (issue #20). */
const PHONE_VIEWPORT = { width: 360, height: 740 } as const;
/** Mock mode's admin key (ADMIN_API_KEYS default outside Production), so the admin pages show their content. */
const DEV_ADMIN_KEY = 'dev-admin-key';

/** A test wallet: an EIP-6963 announcement and a key that signs in Node. */
interface TTestWallet {
  name: string;
  rdns: string;
  privateKey: Hex;
  signatures: string[];
}

function testWallet(name: string, rdns: string): TTestWallet {
  return { name, rdns, privateKey: generatePrivateKey(), signatures: [] };
}

/** The announcement's icon: a data: URI, as EIP-6963 requires. */
function icon(color: string): string {
  return `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="${color}"/></svg>`)}`;
}

/**
 * The page side of `wallet`: an EIP-1193 provider announced by EIP-6963. It authorises the site on
 * eth_requestAccounts (remembered in localStorage, as an extension would across reloads), signs through the
 * exposed Node function, and forwards reads to the API's dev RPC.
 */
function announceScript(wallet: TTestWallet, chainIdHex: string, color: string): string {
  const address = privateKeyToAccount(wallet.privateKey).address;
  const sign = `__sign_${wallet.rdns.replaceAll('.', '_')}`;
  const authorisedKey = `test.wallet.${wallet.rdns}.authorised`;
  return `(() => {
    const listeners = {};
    const authorised = () => localStorage.getItem('${authorisedKey}') === 'yes';
    const provider = {
      async request({ method, params }) {
        switch (method) {
          case 'eth_requestAccounts':
            localStorage.setItem('${authorisedKey}', 'yes');
            return ['${address}'];
          case 'eth_accounts':
            return authorised() ? ['${address}'] : [];
          case 'eth_chainId':
            return '${chainIdHex}';
          case 'personal_sign':
          case 'eth_signTypedData_v4':
            return await window.${sign}(method, JSON.stringify(params));
          case 'wallet_revokePermissions':
            localStorage.removeItem('${authorisedKey}');
            return null;
          case 'wallet_requestPermissions':
            throw Object.assign(new Error('unsupported'), { code: 4200 });
          default: {
            const response = await fetch('/api/dev/rpc', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? [] }),
            });
            const body = await response.json();
            if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
            return body.result;
          }
        }
      },
      on(event, listener) { (listeners[event] ??= []).push(listener); },
      removeListener(event, listener) {
        listeners[event] = (listeners[event] ?? []).filter((other) => other !== listener);
      },
    };
    const detail = Object.freeze({
      info: { uuid: crypto.randomUUID(), name: '${wallet.name}', icon: '${icon(color)}', rdns: '${wallet.rdns}' },
      provider,
    });
    const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
    window.addEventListener('eip6963:requestProvider', announce);
    announce();
  })();`;
}

/** Signs in Node what the page's provider asks `wallet` to sign. */
async function exposeSigner(page: Page, wallet: TTestWallet): Promise<void> {
  const account = privateKeyToAccount(wallet.privateKey);
  await page.exposeFunction(
    `__sign_${wallet.rdns.replaceAll('.', '_')}`,
    async (method: string, json: string) => {
      const params = JSON.parse(json) as unknown[];
      wallet.signatures.push(method);
      if (method === 'personal_sign')
        return await account.signMessage({ message: { raw: params[0] as Hex } });
      return await account.signTypedData(JSON.parse(params[1] as string) as TypedDataDefinition);
    },
  );
}

describe('wallets and phones against the API in Mock mode', () => {
  let api: TApiProcess | undefined;
  let app: TAppDevServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    api = await startApiProcess({ env: { MOCK_MODE: 'true' }, readyTimeoutMs: API_READY_TIMEOUT_MS });
    app = await startAppDevServer({ apiUrl: api.url });
    browser = await launchBrowser();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await api?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  async function withPage(
    path: string,
    options: {
      viewport?: { width: number; height: number };
      initScript?: string;
      before?: (page: Page) => Promise<void>;
    },
    use: (page: Page) => Promise<void>,
  ): Promise<void> {
    if (browser === undefined || app === undefined) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: options.viewport ?? PHONE_VIEWPORT });
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await options.before?.(page);
    await withOpenPage(
      page,
      { url: `${app.url}${path}`, apiOutput: () => api?.output(), initScript: options.initScript },
      () => use(page),
    );
  }

  /** Registers the connected wallet on the Register page; the program asks for a proof of wallet. */
  async function registerConnected(page: Page, wallet: TTestWallet): Promise<void> {
    const address = getAddress(privateKeyToAccount(wallet.privateKey).address);
    const connected = page.getByTestId('connected-address');
    await connected.waitFor();
    expect(await connected.textContent()).toBe(address);
    expect(await page.getByTestId('wallet-panel').textContent()).toContain(wallet.name);
    await page.getByTestId('not-registered').waitFor();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const tokenId = page.getByTestId('token-id');
    await tokenId.waitFor({ timeout: MINT_TIMEOUT_MS });
    expect(await tokenId.textContent()).toBe(BigInt(address).toString());
  }

  it(
    'offers two EIP-6963 wallets by name and icon; either connects and signs a registration, and is reconnected after a reload',
    async () => {
      const alpha = testWallet('Test Wallet Alpha', 'org.example.alpha');
      const beta = testWallet('Test Wallet Beta', 'org.example.beta');
      const chainIdHex = `0x${(31337).toString(16)}`;
      const initScript = announceScript(alpha, chainIdHex, '#d00') + announceScript(beta, chainIdHex, '#00d');

      await withPage(
        '/',
        {
          initScript,
          before: async (page) => {
            await exposeSigner(page, alpha);
            await exposeSigner(page, beta);
          },
        },
        async (page) => {
          const alphaButton = page.getByRole('button', { name: alpha.name });
          const betaButton = page.getByRole('button', { name: beta.name });
          await alphaButton.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
          await betaButton.waitFor();
          for (const button of [alphaButton, betaButton]) {
            expect(await button.locator('img').getAttribute('src')).toMatch(/^data:image\/svg\+xml,/);
          }
          // The named wallets replace the generic button; the dev wallet is still there in Mock mode.
          expect(await page.getByRole('button', { name: 'Connect browser wallet' }).count()).toBe(0);
          expect(await page.getByRole('button', { name: 'Use the dev wallet (Mock mode)' }).count()).toBe(1);

          await betaButton.click();
          await registerConnected(page, beta);
          expect(beta.signatures).toEqual(['eth_signTypedData_v4']);
          expect(alpha.signatures).toEqual([]);

          // The choice (by its EIP-6963 id) is remembered and reconnected without a click.
          await page.reload();
          await page.getByTestId('connected-address').waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
          expect(await page.getByTestId('connected-address').textContent()).toBe(
            privateKeyToAccount(beta.privateKey).address,
          );
          expect(await page.evaluate(() => localStorage.getItem('sge.wallet.connector'))).toBe(beta.rdns);

          await page.getByRole('button', { name: 'Disconnect' }).click();
          await alphaButton.click();
          await registerConnected(page, alpha);
          expect(alpha.signatures).toEqual(['eth_signTypedData_v4']);
        },
      );
    },
    SETUP_TIMEOUT_MS,
  );

  it('collapses the navigation behind a Menu button on a phone', async () => {
    await withPage('/status', {}, async (page) => {
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
      const claimLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claim' });
      expect(await claimLink.isVisible()).toBe(false);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');

      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await claimLink.click();
      await page.waitForURL(/\/claim$/);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await claimLink.isVisible()).toBe(false);
    });
  });

  it(
    'scrolls no route of the app sideways at 360 × 740',
    async () => {
      const paths = appRoutePaths();
      expect(paths).toEqual(expect.arrayContaining(['/', '/claim', '/status', '/affiliate', '/admin']));
      const initScript = `sessionStorage.setItem('sge.admin.key', '${DEV_ADMIN_KEY}');`;
      await withPage('/', { initScript }, async (page) => {
        const overflowing: string[] = [];
        for (const path of paths) {
          await page.goto(`${app?.url}${path}`);
          await page.locator('main h1').first().waitFor({ timeout: FIRST_RENDER_TIMEOUT_MS });
          await page.waitForLoadState('networkidle', { timeout: SETTLE_TIMEOUT_MS }).catch(() => {});
          const { scrollWidth, clientWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
          }));
          if (scrollWidth > clientWidth) overflowing.push(`${path}: ${scrollWidth} > ${clientWidth}`);
        }
        expect(overflowing).toEqual([]);
      });
    },
    ALL_ROUTES_TIMEOUT_MS,
  );
});
