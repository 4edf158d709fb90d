import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalTypedData } from '../../src/api/payout-approval';
import {
  ALICE_KEY,
  ALICE_WALLET,
  BOB_KEY,
  BOB_WALLET,
  makeDefaultProgramPayFast,
  registerSignedUser,
  SETTLE_TIMEOUT_MS,
  SETUP_TIMEOUT_MS,
  signInAsAdmin,
  signInAsDevWalletAffiliate,
  startMoneyStack,
  TEARDOWN_TIMEOUT_MS,
  type TMoneyStack,
} from './money-fixtures';

/** How often the test asks the API whether the commissions have matured. */
const POLL_INTERVAL_MS = 500;

/**
 * A user referred by affiliate PAYEE pays 50 USD (a manual payment with `reference`); resolves once its
 * commission (5 USD, its id) is PAYABLE, which the workers' next maturity run does with the hold period 0.
 */
async function payableCommission(s: TMoneyStack, programId: string, reference: string): Promise<string> {
  const user = await registerSignedUser(s, { programId, ref: 'payee' });
  const payment = await s.adminCall('POST', '/api/admin/payments', ALICE_KEY, {
    wallet: user,
    amount: '50000000',
    currency: 'USDC',
    reference,
    note: 'invoice paid by wire',
  });
  expect(payment.status, JSON.stringify(payment.body)).toBe(201);
  expect(payment.body.commissions).toHaveLength(1);
  const commissionId = payment.body.commissions[0].id as string;
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const payable = await s.adminCall(
      'GET',
      `/api/admin/commissions?programId=${programId}&status=PAYABLE`,
      ALICE_KEY,
    );
    if (payable.body.items.some((c: { id: string }) => c.id === commissionId)) return commissionId;
    if (Date.now() > deadline) throw new Error('the commission did not become PAYABLE in time');
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * /admin end to end against the API in Mock mode: admin alice creates a payout batch and her wallet signs its
 * EIP-712 approval at once (her demo dev wallet, no prompt); a second signature of hers is refused; admin bob
 * signs & approves with his wallet and executes it (one on-chain transaction carrying both signatures, which
 * the payout contract checks), and the affiliate sees the payout with its transaction hash on /affiliate.
 */
describe('the /admin payout flow against the API in Mock mode', () => {
  let stack: TMoneyStack | undefined;
  /** The default program, made to pay at once by the first test. */
  let programId = '';

  beforeAll(async () => {
    stack = await startMoneyStack();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'pays an affiliate through a batch created and signed by one admin and signed, approved and executed by another',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      const s = stack;
      programId = await makeDefaultProgramPayFast(s);

      // The dev wallet becomes affiliate PAYEE; a user it referred pays 50 USD (manual payment entry).
      await s.withPage('/affiliate', (page) => signInAsDevWalletAffiliate(page, { code: 'PAYEE' }));
      await payableCommission(s, programId, 'browser-payout-1');

      // alice creates the batch and signs it at once, silently, with her dev wallet (anvil #7).
      let batchId = '';
      await s.withPage('/admin/payouts', async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        const signer = page.getByTestId('approval-signer');
        await signer.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await signer.getAttribute('data-signer')).toBe('dev');
        expect(await signer.textContent()).toContain(ALICE_WALLET.address);
        await page.getByRole('button', { name: 'Create payout batch' }).click();
        const ok = page.getByTestId('action-ok');
        await ok.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await ok.textContent()).toContain('1 payouts, 5.00 USDC, signed by you');
        const row = page.locator('[data-testid="batch-row"][data-status="PENDING_APPROVAL"]').first();
        await row.waitFor();
        batchId = (await row.getAttribute('data-batch-id')) ?? '';
        const signature = row.locator('[data-testid="batch-signature"][data-admin="alice"]');
        await signature.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await signature.textContent()).toContain(ALICE_WALLET.address);
        // Her own batch offers her no second signature: it waits for another admin.
        await row.getByTestId('awaiting-second-admin').waitFor();
        expect(await row.getByRole('button', { name: 'Sign & approve' }).count()).toBe(0);
      });
      expect(batchId).toMatch(/^[0-9a-f-]{36}$/);

      // alice's second attempt, with a valid signature of her wallet, is refused; so is bob presenting it.
      const detail = await s.adminCall('GET', `/api/admin/payout-batches/${batchId}`, ALICE_KEY);
      expect(detail.body.approval.signatures).toHaveLength(1);
      const aliceSignature = await ALICE_WALLET.signTypedData(
        approvalTypedData(detail.body.approval.typedData, detail.body.approval),
      );
      const again = await s.adminCall('POST', `/api/admin/payout-batches/${batchId}/approve`, ALICE_KEY, {
        signature: aliceSignature,
      });
      expect(again.status, JSON.stringify(again.body)).toBe(403);
      expect(again.body.error).toBe('PAYOUT_SELF_APPROVAL');
      const borrowed = await s.adminCall('POST', `/api/admin/payout-batches/${batchId}/approve`, BOB_KEY, {
        signature: aliceSignature,
      });
      expect(borrowed.status, JSON.stringify(borrowed.body)).toBe(400);
      expect(borrowed.body.error).toBe('PAYOUT_SIGNATURE_INVALID');

      // bob signs & approves with his dev wallet (anvil #8) and executes; the batch completes with its hash.
      let txHash = '';
      await s.withPage('/admin/payouts', async (page) => {
        await signInAsAdmin(page, BOB_KEY);
        const row = page.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
        await row.getByRole('button', { name: 'Sign & approve' }).click({ timeout: SETTLE_TIMEOUT_MS });
        await row.getByRole('button', { name: 'Confirm sign & approve' }).click();
        await page.locator(`[data-batch-id="${batchId}"][data-status="APPROVED"]`).waitFor({
          timeout: SETTLE_TIMEOUT_MS,
        });
        const bobSignature = row.locator('[data-testid="batch-signature"][data-admin="bob"]');
        await bobSignature.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await bobSignature.textContent()).toContain(BOB_WALLET.address);
        expect(await row.getByTestId('batch-signature').count()).toBe(2);
        await row.getByRole('button', { name: 'Execute' }).click();
        await row.getByRole('button', { name: 'Confirm execute' }).click();
        await page.locator(`[data-batch-id="${batchId}"][data-status="COMPLETED"]`).waitFor({
          timeout: SETTLE_TIMEOUT_MS,
        });
        txHash = (await row.getByTestId('tx-hash').textContent())?.trim() ?? '';
        expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);

        // The batch's payouts: the one payout, PAID.
        await row.getByRole('button', { name: '1 payouts' }).click();
        await page
          .locator(
            `[data-testid="batch-payouts-row"][data-batch-id="${batchId}"] [data-testid="batch-payout"]`,
          )
          .first()
          .waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(
          await page
            .locator(
              `[data-testid="batch-payouts-row"][data-batch-id="${batchId}"] [data-testid="batch-payout"]`,
            )
            .first()
            .getAttribute('data-status'),
        ).toBe('PAID');

        // The audit log shows who did what: alice's signature, bob's approving one.
        await page.getByRole('link', { name: 'Audit log' }).click();
        await page.locator('[data-testid="audit-row"][data-action="payout_batch.approve"]').first().waitFor({
          timeout: SETTLE_TIMEOUT_MS,
        });
        await page.locator('[data-testid="audit-row"][data-action="payout_batch.sign"]').first().waitFor();
      });

      // The affiliate sees the payout, paid, with the same transaction hash.
      await s.withPage('/affiliate', async (page) => {
        await signInAsDevWalletAffiliate(page, { code: 'PAYEE' });
        const payout = page.locator('[data-testid="payout-row"][data-status="PAID"]').first();
        await payout.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await payout.textContent()).toContain('5.00 USDC');
        expect((await payout.getByTestId('tx-hash').textContent())?.trim()).toBe(txHash);
        expect(await page.getByTestId('balance-paid').textContent()).toBe('5.00 USD');
      });
    },
    SETUP_TIMEOUT_MS * 2,
  );

  it(
    'refuses a wrong key, creates, pauses and resumes a program, and exports settlements as CSV',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      await stack.withPage('/admin', async (page) => {
        await page.getByLabel('Admin key').fill('not-the-right-key-at-all', { timeout: SETTLE_TIMEOUT_MS });
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('admin-sign-in-error').waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('admin-sign-in-error').textContent()).toBe('This key is not valid.');
        expect(await page.evaluate(() => sessionStorage.getItem('sge.admin.key'))).toBeNull();

        await signInAsAdmin(page, ALICE_KEY);
        expect(await page.evaluate(() => sessionStorage.getItem('sge.admin.key'))).toBe(ALICE_KEY);
        await page.getByLabel('Slug').fill('browser-program');
        await page.getByLabel('Name', { exact: true }).fill('Browser program');
        await page.getByRole('button', { name: 'Create program' }).click();
        const row = page.locator('[data-testid="program-row"][data-slug="browser-program"]');
        await row.waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await row.getByTestId('program-status').textContent()).toBe('ACTIVE');
        await row.getByRole('button', { name: 'Pause browser-program' }).click();
        await row
          .getByRole('button', { name: 'Resume browser-program' })
          .waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await row.getByTestId('program-status').textContent()).toBe('PAUSED');
        await row.getByRole('button', { name: 'Resume browser-program' }).click();
        await row
          .getByRole('button', { name: 'Pause browser-program' })
          .waitFor({ timeout: SETTLE_TIMEOUT_MS });

        // Settlements: the manual payment of the first test is listed, and the CSV export holds it.
        await page.getByRole('link', { name: 'Settlements' }).click();
        await page.getByTestId('settlement-row').first().waitFor({ timeout: SETTLE_TIMEOUT_MS });
        expect(await page.getByTestId('settlements').textContent()).toContain('manual:browser-payout-1');
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Export CSV' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('settlements.csv');
        const stream = await download.createReadStream();
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        const csv = Buffer.concat(chunks).toString('utf8');
        expect(csv.split('\n')[0]).toContain('provider_ref');
        expect(csv).toContain('manual:browser-payout-1');

        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByLabel('Admin key').waitFor();
        expect(await page.evaluate(() => sessionStorage.getItem('sge.admin.key'))).toBeNull();
      });
    },
    SETUP_TIMEOUT_MS,
  );

  it(
    'cancels an approved batch after confirmation, and its commission is payable again',
    async () => {
      if (stack === undefined) throw new Error('setup did not complete');
      const s = stack;
      const commissionId = await payableCommission(s, programId, 'browser-payout-cancel');
      const created = await s.adminCall('POST', '/api/admin/payout-batches', ALICE_KEY, { programId });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const batchId = created.body.id as string;
      const typedData = approvalTypedData(created.body.approval.typedData, created.body.approval);
      for (const [key, wallet] of [
        [ALICE_KEY, ALICE_WALLET],
        [BOB_KEY, BOB_WALLET],
      ] as const) {
        const signed = await s.adminCall('POST', `/api/admin/payout-batches/${batchId}/approve`, key, {
          signature: await wallet.signTypedData(typedData),
        });
        expect(signed.status, JSON.stringify(signed.body)).toBe(200);
      }

      await s.withPage('/admin/payouts', async (page) => {
        await signInAsAdmin(page, ALICE_KEY);
        const row = page.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
        await row.getByRole('button', { name: 'Cancel' }).click({ timeout: SETTLE_TIMEOUT_MS });
        // Nothing happens before the confirmation; "Back" leaves the batch as it was.
        await row.getByRole('button', { name: 'Back' }).click();
        expect(await row.getAttribute('data-status')).toBe('APPROVED');
        await page.getByLabel('Reason (for reject or cancel)').fill('wrong amounts');
        await row.getByRole('button', { name: 'Cancel' }).click();
        await row.getByRole('button', { name: 'Confirm cancel' }).click();
        await page.locator(`[data-batch-id="${batchId}"][data-status="CANCELLED"]`).waitFor({
          timeout: SETTLE_TIMEOUT_MS,
        });
        expect(await row.getByTestId('batch-status').textContent()).toContain('wrong amounts');
      });
      const payable = await s.adminCall(
        'GET',
        `/api/admin/commissions?programId=${programId}&status=PAYABLE`,
        ALICE_KEY,
      );
      expect(payable.body.items.some((c: { id: string }) => c.id === commissionId)).toBe(true);
    },
    SETUP_TIMEOUT_MS,
  );
});
