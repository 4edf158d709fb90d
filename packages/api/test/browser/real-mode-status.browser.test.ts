import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppDevServer, type TAppDevServer } from '../../../app/test/browser/app-server';
import { launchBrowser } from '../../../app/test/browser/chromium';
import { expectModeBanner } from '../../../app/test/browser/expect-mode-banner';
import { spawnPlatformProcess, type TPlatformProcess } from '../support/processes';
import { startRealStack, type TRealStack } from '../support/real-chain';

/**
 * Real mode in a real browser: the API started as an operator would (MOCK_MODE=false, PostgreSQL, Redis, an
 * RPC endpoint) and the app's /status page showing the purple Real banner, the chain id and the relayer balance.
 */
describe('/status in Real mode', () => {
  let stack: TRealStack;
  let api: TPlatformProcess;
  let app: TAppDevServer;

  beforeAll(async () => {
    stack = await startRealStack();
    api = await spawnPlatformProcess({ env: stack.env, role: 'api' });
    app = await startAppDevServer({ apiUrl: api.url! });
  });
  afterAll(async () => {
    await app?.close();
    await api?.stop();
    await stack?.stop();
  });

  it('shows the purple Real banner, the chain id and the relayer balance', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${app.url}/status`);
      await expectModeBanner(page, 'REAL');
      await expect
        .poll(() => page.getByTestId('chain-id').textContent(), { timeout: 30_000 })
        .toContain('31337');
      await expect
        .poll(() => page.getByTestId('relayer-balance').textContent(), { timeout: 30_000 })
        .toMatch(/10000(\.0+)?\s*ETH/);
    } finally {
      await browser.close();
    }
  });
});
