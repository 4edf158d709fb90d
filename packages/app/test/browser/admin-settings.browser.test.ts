import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_KEY,
  BOB_KEY,
  SETTLE_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  signInAsAdmin,
  signInAsDevWalletAffiliate,
  startMoneyStack,
  TEARDOWN_TIMEOUT_MS,
  type TMoneyStack,
} from './money-fixtures';

/** expect.poll's retry budget for text that changes after an action or a refetch. */
const POLL = { timeout: SETTLE_TIMEOUT_MS, interval: 250 };

/**
 * The admin screens issue 21 added, against the API in Mock mode: a program's commission levels and hold
 * period edited through the maker-checker flow (alice proposes, she cannot approve her own change, bob
 * approves it, the program then has the new settings, shown in % and days / hours), and an affiliate
 * suspended from its panel on /admin/affiliates.
 */
describe('/admin program settings and affiliates', () => {
  let stack: TMoneyStack | undefined;
  let programId = '';

  beforeAll(async () => {
    stack = await startMoneyStack();
    const programs = await stack.adminCall('GET', '/api/admin/programs', ALICE_KEY);
    programId = programs.body.items.find((p: { slug: string }) => p.slug === 'default').id;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'edits commission levels and the hold period: proposed by one admin, applied only when another approves',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      const s = stack;
      const before = (await s.adminCall('GET', `/api/admin/programs/${programId}`, ALICE_KEY)).body;
      expect(before.commissionLevelsBps).not.toEqual([1200, 600]);

      await s.withPage(`/admin/programs/${programId}`, async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        const hold = page.getByTestId('current-holdPeriodSeconds');
        await expect.poll(() => hold.textContent(), POLL).toMatch(/days?|hours?/);
        expect(await hold.textContent()).not.toMatch(/\d{5,}/);
        await page.getByLabel('Commission levels (%, level 1 first)').fill('12, 6');
        await page.getByLabel('Hold (days)').fill('2');
        await page.getByLabel('and (hours)').fill('12');
        await page.getByRole('button', { name: 'Propose money settings' }).click();
        const ok = page.getByTestId('action-ok');
        await expect.poll(() => ok.textContent(), POLL).toContain('a second admin must approve it');
        expect(await ok.textContent()).toContain('Commission levels → 12% / 6%');
        expect(await ok.textContent()).toContain('Hold → 2 days 12 hours');
        // Not applied yet.
        await page.getByTestId('program-pending-changes').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('current-commissionLevelsBps').textContent()).not.toBe('12% / 6%');

        // alice cannot approve her own change.
        await page
          .getByRole('navigation', { name: 'Admin sections' })
          .getByRole('link', { name: 'Changes to approve' })
          .click();
        const row = page.locator('[data-testid="change-row"][data-status="PENDING"]').first();
        await expect.poll(() => row.textContent(), POLL).toContain('Hold: ');
        expect(await row.textContent()).toContain('→ 2 days 12 hours');
        await row.getByRole('button', { name: 'Approve' }).click();
        await row.getByRole('button', { name: 'Confirm approve' }).click();
        await expect
          .poll(() => page.getByRole('alert').first().textContent(), POLL)
          .toMatch(/CHANGE_SELF_APPROVAL|propos/i);
      });
      const unchanged = (await s.adminCall('GET', `/api/admin/programs/${programId}`, ALICE_KEY)).body;
      expect(unchanged.commissionLevelsBps).toEqual(before.commissionLevelsBps);

      await s.withPage('/admin/changes', async (page) => {
        await signInAsAdmin(page, BOB_KEY);
        const row = page.locator('[data-testid="change-row"][data-status="PENDING"]').first();
        await expect.poll(() => row.textContent(), POLL).toContain('→ 12% / 6%');
        await row.getByRole('button', { name: 'Approve' }).click();
        await row.getByRole('button', { name: 'Confirm approve' }).click();
        await expect
          .poll(() => page.locator('[data-testid="change-row"][data-status="PENDING"]').count(), POLL)
          .toBe(0);

        await page
          .getByRole('navigation', { name: 'Admin sections' })
          .getByRole('link', { name: 'Programs' })
          .click();
        const programRow = page.locator('[data-testid="program-row"][data-slug="default"]');
        await expect
          .poll(() => programRow.getByTestId('program-levels').textContent(), POLL)
          .toBe('12% / 6%');
        expect(await programRow.getByTestId('program-hold').textContent()).toBe('2 days 12 hours');
      });
      const after = (await s.adminCall('GET', `/api/admin/programs/${programId}`, ALICE_KEY)).body;
      expect(after.commissionLevelsBps).toEqual([1200, 600]);
      expect(after.holdPeriodSeconds).toBe(2 * 86_400 + 12 * 3_600);
    },
    SETTLE_TIMEOUT_MS * 3,
  );

  it(
    'suspends an affiliate from its panel, after a confirmation, with the reason audited',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      const s = stack;
      await s.withPage('/affiliate', (page) => signInAsDevWalletAffiliate(page, { code: 'SUSPECT' }));
      const listed = await s.adminCall('GET', '/api/admin/affiliates?code=SUSPECT', ALICE_KEY);
      const affiliateId = listed.body.items[0].id as string;

      await s.withPage('/admin/affiliates', async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        const row = page.locator('[data-testid="affiliate-row"][data-code="SUSPECT"]');
        await expect.poll(() => row.getByTestId('affiliate-status').textContent(), POLL).toBe('ACTIVE');
        await row.getByRole('button', { name: 'SUSPECT' }).click();
        const panel = page.getByTestId('affiliate-detail');
        await expect
          .poll(() => panel.getByTestId('affiliate-detail-status').textContent(), POLL)
          .toBe('ACTIVE');
        await panel.getByLabel('Reason').fill('fraud review 42');
        await panel.getByRole('button', { name: 'Suspend' }).click();
        // Nothing happens before the confirmation.
        expect(
          (await s.adminCall('GET', `/api/admin/affiliates/${affiliateId}`, ALICE_KEY)).body.status,
        ).toBe('ACTIVE');
        await panel.getByRole('button', { name: 'Confirm suspend' }).click();
        await expect
          .poll(() => panel.getByTestId('affiliate-detail-status').textContent(), POLL)
          .toBe('SUSPENDED');
        await expect.poll(() => row.getByTestId('affiliate-status').textContent(), POLL).toBe('SUSPENDED');
        expect(await panel.getByTestId('action-ok').textContent()).toContain('SUSPECT is SUSPENDED');
        // A suspended affiliate can be reinstated or terminated, not suspended again.
        await panel.getByRole('button', { name: 'Reinstate' }).waitFor();
        expect(await panel.getByRole('button', { name: 'Suspend' }).count()).toBe(0);
      });
      expect((await s.adminCall('GET', `/api/admin/affiliates/${affiliateId}`, ALICE_KEY)).body.status).toBe(
        'SUSPENDED',
      );
      const audit = await s.adminCall('GET', '/api/admin/audit-log?action=affiliate.suspend', ALICE_KEY);
      expect(audit.body.items[0]).toMatchObject({ actor: 'alice', subjectId: affiliateId });
      expect(audit.body.items[0].after.reason).toBe('fraud review 42');
    },
    SETTLE_TIMEOUT_MS * 2,
  );
});
