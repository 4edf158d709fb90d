import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_KEY,
  SETTLE_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  signInAsAdmin,
  startMoneyStack,
  TEARDOWN_TIMEOUT_MS,
  type TMoneyStack,
} from './money-fixtures';

/**
 * /admin/reconciliation against the API in Mock mode: an admin signs in with a key, sees that no run exists
 * yet and the live checks (queues, workers alive), runs reconciliation now and sees every check's result,
 * the ledger balanced, and the run in the history.
 */
describe('the /admin/reconciliation page against the API in Mock mode', () => {
  let stack: TMoneyStack | undefined;

  beforeAll(async () => {
    stack = await startMoneyStack();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'runs reconciliation now and shows the ledger balanced with every check and the live operations',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      await stack.withPage('/admin/reconciliation', async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        await page.getByTestId('no-run').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        await page.getByTestId('check-worker_heartbeats').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('check-worker_heartbeats').getAttribute('data-status')).toBe('OK');
        expect(await page.getByTestId('workers').getByRole('row').count()).toBeGreaterThanOrEqual(2);
        expect(await page.getByTestId('check-queue_depth').textContent()).toContain('register');

        await page.getByTestId('run-now').click();
        await page.getByTestId('action-ok').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        await page
          .locator('[data-testid="check-ledger"][data-status="OK"]')
          .waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('check-ledger').textContent()).toContain('balanced');
        for (const name of ['settlements_on_chain', 'commissions', 'payouts', 'affiliate_tree']) {
          await page.getByTestId(`check-${name}`).waitFor({ timeout: SETTLE_TIMEOUT_MS });
        }
        expect(await page.getByTestId('latest-run').textContent()).toContain('manual, by alice');
        await page
          .getByTestId('runs')
          .getByRole('cell', { name: 'alice' })
          .waitFor({ timeout: SETTLE_TIMEOUT_MS });
        if (process.env.RECONCILIATION_SCREENSHOT) {
          await page.screenshot({ path: process.env.RECONCILIATION_SCREENSHOT, fullPage: true });
        }
      });
    },
    SETTLE_TIMEOUT_MS * 3,
  );
});
