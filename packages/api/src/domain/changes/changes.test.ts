import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconciliationContext } from '../../../test/support/reconciliation-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { knownAddresses, NO_KNOWN_ADDRESSES } from '../../chain/known-addresses';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { recordRevenueSettlement } from '../commissions/record-revenue-settlement';
import { recordManualPayment } from '../payments/record-manual-payment';
import { requestManualPayment } from '../payments/request-manual-payment';
import { createProgram } from '../programs/create-program';
import { getProgram } from '../programs/get-program';
import { requestProgramUpdate } from '../programs/request-program-update';
import { checkManualRevenue } from '../reconciliation/check-manual-revenue';
import { approveChange } from './approve-change';
import { listChanges } from './list-changes';
import { rejectChange } from './reject-change';

const wallet = () => privateKeyToAccount(generatePrivateKey()).address;
const ALICE_WALLET = wallet();
const alice = { actor: 'alice', requestId: null, wallet: ALICE_WALLET };
const bob = { actor: 'bob', requestId: null, wallet: wallet() };
const context = { knownAddresses: NO_KNOWN_ADDRESSES };
const THRESHOLD = 1_000_000_000n;

/**
 * Maker-checker on the embedded database (issue 17): money settings and large manual payments wait for a
 * second admin, who applies them in one transaction; the proposer cannot, by name or by wallet; the database
 * refuses it too; reconciliation reports manual revenue that skipped the approval or has no reference.
 */
describe('maker-checker changes', () => {
  let test: TTestDatabase;
  let db: TDb;

  beforeAll(async () => {
    test = await openTestPglite();
    db = test.database.db;
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('applies an admin’s money settings only after another admin approves them; other settings at once', async () => {
    const { program, pendingChange } = await requestProgramUpdate(
      db,
      alice,
      DEFAULT_PROGRAM_ID,
      { name: 'Renamed', holdPeriodSeconds: 0, commissionLevelsBps: [9000] },
      context,
    );
    expect(program).toMatchObject({ name: 'Renamed', hold_period_seconds: 14 * 24 * 3600 });
    expect(pendingChange).toMatchObject({
      status: 'PENDING',
      payload: { holdPeriodSeconds: 0, commissionLevelsBps: [9000] },
      before: { holdPeriodSeconds: 14 * 24 * 3600, commissionLevelsBps: [1000, 500] },
    });
    await expect(approveChange(db, alice, pendingChange!.id, context)).rejects.toMatchObject({
      code: 'CHANGE_SELF_APPROVAL',
    });
    // Another name with the proposer's wallet is the same person.
    await expect(
      approveChange(
        db,
        { actor: 'mallory', requestId: null, wallet: ALICE_WALLET },
        pendingChange!.id,
        context,
      ),
    ).rejects.toMatchObject({ code: 'CHANGE_SELF_APPROVAL' });
    // The database refuses it as well.
    await expect(
      sql`UPDATE change_requests SET status = 'APPLIED', decided_by = 'alice', decided_at = now()
           WHERE id = ${pendingChange!.id}`.execute(db),
    ).rejects.toThrow(/change_requests_two_person/);
    expect((await getProgram(db, DEFAULT_PROGRAM_ID)).commission_levels_bps).toEqual([1000, 500]);

    const applied = await approveChange(db, bob, pendingChange!.id, context);
    expect(applied).toMatchObject({ status: 'APPLIED', decidedBy: 'bob' });
    expect(await getProgram(db, DEFAULT_PROGRAM_ID)).toMatchObject({
      hold_period_seconds: 0,
      commission_levels_bps: [9000],
    });
    await expect(approveChange(db, bob, pendingChange!.id, context)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(rejectChange(db, bob, pendingChange!.id, 'late')).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    // Back to the defaults for the tests below, the same way.
    const back = await requestProgramUpdate(
      db,
      bob,
      DEFAULT_PROGRAM_ID,
      { holdPeriodSeconds: 0, commissionLevelsBps: [1000, 500] },
      context,
    );
    expect(back.pendingChange?.payload).toEqual({ commissionLevelsBps: [1000, 500] });
    await approveChange(db, alice, back.pendingChange!.id, context);
  });

  it('creates a program with money settings PAUSED on the defaults, with its settings pending', async () => {
    const created = await createProgram(
      db,
      alice,
      { slug: 'maker-checker', name: 'Maker checker', feeMicroUsd: '5000000', paymentRequired: true },
      context,
    );
    expect(created.program).toMatchObject({
      status: 'PAUSED',
      fee_micro_usd: 100_000_000n,
      payment_required: true,
    });
    expect(created.pendingChange?.payload).toEqual({ feeMicroUsd: '5000000' });
    await approveChange(db, bob, created.pendingChange!.id, context);
    expect(await getProgram(db, created.program.id)).toMatchObject({
      status: 'PAUSED',
      fee_micro_usd: 5_000_000n,
    });
    const plain = await createProgram(
      db,
      alice,
      { slug: 'plain', name: 'Plain', feeMicroUsd: '100000000' },
      context,
    );
    expect(plain).toMatchObject({ program: { status: 'ACTIVE' }, pendingChange: null });
  });

  it('refuses an address that no deployment record or allowlist names, naming the field, and re-checks it at approval', async () => {
    const payout = wallet();
    const known = knownAddresses({
      deployments: [],
      contracts: {
        sgeId: null,
        sgeClaim: null,
        payout,
        affiliateRegistry: null,
        usdc: null,
        usdt: null,
        sgeToken: null,
      },
      treasury: null,
      allowlist: [],
    });
    await expect(
      requestProgramUpdate(
        db,
        alice,
        DEFAULT_PROGRAM_ID,
        { payoutAddress: wallet() },
        { knownAddresses: known },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'body.payoutAddress' } });
    await expect(
      requestProgramUpdate(
        db,
        alice,
        DEFAULT_PROGRAM_ID,
        { treasuryAddress: payout },
        { knownAddresses: known },
      ),
    ).rejects.toMatchObject({ details: { field: 'body.treasuryAddress' } });
    const { pendingChange } = await requestProgramUpdate(
      db,
      alice,
      DEFAULT_PROGRAM_ID,
      { payoutAddress: payout.toLowerCase() },
      { knownAddresses: known },
    );
    // The approving process no longer knows it (another deployment, the allowlist shortened): refused, still pending.
    await expect(approveChange(db, bob, pendingChange!.id, context)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'payload.payoutAddress' },
    });
    const rejected = await rejectChange(db, alice, pendingChange!.id, 'withdrawn');
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'withdrawn' });
  });

  it('expires a change nobody decided in time', async () => {
    const { pendingChange } = await requestProgramUpdate(
      db,
      alice,
      DEFAULT_PROGRAM_ID,
      { minPayoutMicroUsd: '1' },
      context,
    );
    const later = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    await expect(approveChange(db, bob, pendingChange!.id, context, later)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      details: { status: 'EXPIRED' },
    });
    const listed = await listChanges(db, { status: 'EXPIRED', programId: DEFAULT_PROGRAM_ID, limit: 10 });
    expect(listed.items.map((c) => c.id)).toContain(pendingChange!.id);
  });

  it('records a manual payment above the threshold only when a second admin approves, and reconciliation finds one that skipped it', async () => {
    const payer = wallet();
    const input = {
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
      amount: 2_500_000_000n,
      currency: 'USD' as const,
      reference: 'wire-9001',
      note: 'annual plan',
    };
    const small = await requestManualPayment(
      db,
      alice,
      { ...input, amount: THRESHOLD, reference: 'wire-9000' },
      { thresholdMicroUsd: THRESHOLD },
    );
    expect(small.status).toBe('RECORDED');
    const pending = await requestManualPayment(db, alice, input, { thresholdMicroUsd: THRESHOLD });
    expect(pending.status).toBe('PENDING_APPROVAL');
    if (pending.status !== 'PENDING_APPROVAL') return;
    const recon = reconciliationContext(db, null, { manualPaymentApprovalThresholdMicroUsd: THRESHOLD });
    expect((await checkManualRevenue.run(recon)).findings.count).toBe(0);
    await approveChange(db, bob, pending.change.id, context);
    expect((await checkManualRevenue.run(recon)).findings.count).toBe(0);

    // Fabrications: a large payment recorded past the maker-checker, a settlement claiming an approval of
    // another amount, and manual revenue without a reference.
    await recordManualPayment(db, alice, { ...input, reference: 'wire-9002' });
    await recordManualPayment(
      db,
      alice,
      { ...input, amount: 3_000_000_000n, reference: 'wire-9001-copy' },
      { approval: { changeId: pending.change.id, proposedBy: 'alice', approvedBy: 'bob' } },
    );
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `manual-payment:${DEFAULT_PROGRAM_ID}:`,
        wallet: payer,
        status: 'CONFIRMED',
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordRevenueSettlement(db, {
      programId: DEFAULT_PROGRAM_ID,
      intentId: intent.id,
      kind: 'COMMERCE_PAYMENT',
      wallet: payer,
      amount: 5_000_000n,
      currency: 'USD',
      providerRef: 'manual:',
      details: { source: 'manual', note: 'typed in' },
    });
    const outcome = await checkManualRevenue.run(recon);
    expect(outcome.findings.status()).toBe('FAIL');
    expect(
      outcome.findings.items
        .map((f) => [f.kind, (f.details as { reference: string | null }).reference])
        .sort(),
    ).toEqual([
      ['MANUAL_REVENUE_NO_REFERENCE', null],
      ['MANUAL_REVENUE_UNAPPROVED', 'wire-9001-copy'],
      ['MANUAL_REVENUE_UNAPPROVED', 'wire-9002'],
    ]);
    expect(outcome.figures).toMatchObject({ manualSettlements: 5, reported: 3 });
  });
});
