import { sql } from 'kysely';
import { type Address, verifyTypedData } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_ACCOUNTS } from '../../../test/support/payout-approvers';
import { insertIntent, reconciliationContext } from '../../../test/support/reconciliation-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { matureCommissions } from '../commissions/mature-commissions';
import { recordRevenueSettlement } from '../commissions/record-revenue-settlement';
import { approvePayoutBatch, type TApprovePayoutBatchDeps } from '../payouts/approve-payout-batch';
import { loadBatchApproval } from '../payouts/batch-approval';
import { createPayoutBatch } from '../payouts/create-payout-batch';
import { completePayoutBatch } from '../payouts/execute-payout-batch';
import { startPayoutBatchExecution } from '../payouts/start-payout-batch-execution';
import { checkAffiliateTree } from './check-affiliate-tree';
import { checkCommissions } from './check-commissions';
import { checkLedger } from './check-ledger';
import { checkPayouts } from './check-payouts';
import { checkStuckIntents } from './check-stuck-intents';
import { getReconciliationRun } from './reconciliation-runs';
import { retryStuckIntent } from './retry-stuck-intent';
import { runReconciliation } from './run-reconciliation';

const wallet = () => privateKeyToAccount(generatePrivateKey()).address;

/** Runs `work` with the database's own rules (triggers) off: how a ledger ends up corrupt in real life. */
async function bypassingRules(db: TDb, work: (tx: TDb) => Promise<void>) {
  await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await work(tx as unknown as TDb);
  });
}

/**
 * The money and tree checks on the embedded database: each reports nothing on records written by the real
 * use cases, and reports the inconsistency when the records are then corrupted (with the database's rules
 * bypassed where they would refuse it — which is what reconciliation exists to catch).
 */
describe('reconciliation checks of the ledger, commissions, payouts and affiliate tree', () => {
  let test: TTestDatabase;
  let db: TDb;
  let parentId: string;
  let childId: string;
  let settlementId: string;

  beforeAll(async () => {
    test = await openTestPglite();
    db = test.database.db;
    await db
      .updateTable('programs')
      .set({ hold_period_seconds: 0 })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    const parent = await db
      .insertInto('affiliates')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: wallet(), code: 'PARENT' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const child = await db
      .insertInto('affiliates')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: wallet(), code: 'CHILD', parent_id: parent.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    parentId = parent.id;
    childId = child.id;
    // Backdate the affiliates so they count as ACTIVE since before the settlements.
    await sql`UPDATE affiliates SET updated_at = now() - interval '1 day'`.execute(db);
    const payer = wallet();
    await db
      .insertInto('users')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: payer, referred_by_affiliate_id: childId })
      .execute();
    const intentId = await insertIntent(db, { type: 'COMMERCE_PAYMENT', wallet: payer });
    const recorded = await recordRevenueSettlement(db, {
      programId: DEFAULT_PROGRAM_ID,
      intentId,
      kind: 'COMMERCE_PAYMENT',
      wallet: payer,
      amount: 100_000_000n,
      currency: 'USD',
      providerRef: 'CHARGE-1',
    });
    settlementId = recorded.settlement.id;
    expect(recorded.commissions.map((c) => c.amount)).toEqual([10_000_000n, 5_000_000n]);
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  const run = (check: { run: typeof checkLedger.run }) => check.run(reconciliationContext(db, null));

  it('finds a ledger written by the use cases balanced, every check OK', async () => {
    for (const check of [checkLedger, checkCommissions, checkPayouts, checkAffiliateTree]) {
      const outcome = await run(check);
      expect(outcome.findings.items, check.name).toEqual([]);
      expect(outcome.findings.status()).toBe('OK');
    }
    const ledger = await run(checkLedger);
    expect(ledger.figures.totals).toMatchObject({ default: { USD: '0' } });
  });

  it('pays out the commissions, and finds payouts consistent with the PAID commissions', async () => {
    await matureCommissions(db, new Date(Date.now() + 1000));
    await db
      .updateTable('programs')
      .set({ min_payout_micro_usd: 1n })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    // No chain here: the signatures are checked by recovering them (EOA), the approver set is alice's and
    // bob's wallets, and the payout contract is an address nobody calls.
    const [aliceWallet, bobWallet] = APPROVER_ACCOUNTS;
    const { batch } = await createPayoutBatch(
      db,
      { actor: 'alice', requestId: null },
      { programId: DEFAULT_PROGRAM_ID },
      { chainId: 31337, payoutContract: `0x${'99'.repeat(20)}`, token: `0x${'88'.repeat(20)}` },
    );
    const approvers = new Set([aliceWallet.address, bobWallet.address]);
    const checks = {
      verifySignature: ({
        signer,
        typedData,
        signature,
      }: Parameters<TApprovePayoutBatchDeps['verifySignature']>[0]) =>
        verifyTypedData({ address: signer, signature, ...typedData }),
      isApprover: async ({ signer }: { signer: Address }) => approvers.has(signer),
    };
    const { typedData } = await loadBatchApproval(db, batch);
    for (const [actor, account] of [
      ['alice', aliceWallet],
      ['bob', bobWallet],
    ] as const) {
      await approvePayoutBatch(
        db,
        { actor, requestId: null, wallet: account.address },
        { batchId: batch.id, programScope: null, signature: await account.signTypedData(typedData) },
        checks,
      );
    }
    await startPayoutBatchExecution(
      db,
      { actor: 'bob', requestId: null },
      { batchId: batch.id, programScope: null },
    );
    await completePayoutBatch(db, batch.id, { txHash: `0x${'12'.repeat(32)}`, blockNumber: 5n, skipped: [] });
    const payouts = await run(checkPayouts);
    expect(payouts.findings.items).toEqual([]);
    expect(payouts.figures.completedBatches).toBe(1);
    expect((await run(checkLedger)).findings.items).toEqual([]);
  });

  it('reports a ledger that does not balance (entries written with the database rules bypassed)', async () => {
    await bypassingRules(db, async (tx) => {
      const transaction = await tx
        .insertInto('ledger_transactions')
        .values({
          program_id: DEFAULT_PROGRAM_ID,
          reference: 'manual:broken',
          kind: 'manual',
          content_hash: 'x',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('ledger_entries')
        .values({
          transaction_id: transaction.id,
          program_id: DEFAULT_PROGRAM_ID,
          account: 'treasury',
          currency: 'USDC',
          amount: 250n,
        })
        .execute();
    });
    const outcome = await run(checkLedger);
    expect(outcome.findings.status()).toBe('FAIL');
    const kinds = outcome.findings.items.map((finding) => finding.kind);
    expect(kinds).toContain('LEDGER_IMBALANCE');
    expect(kinds).toContain('UNBALANCED_TRANSACTION');
    const imbalance = outcome.findings.items.find((finding) => finding.kind === 'LEDGER_IMBALANCE')!;
    expect(imbalance.details).toMatchObject({ currency: 'USDC', sum: '250' });
    expect(outcome.figures.unbalancedPrograms).toBe(1);
  });

  it('reports commissions inconsistent with their settlement and the program rates', async () => {
    const before = await run(checkCommissions);
    expect(before.findings.items).toEqual([]);
    // Level 1 recorded at 20% instead of the program's 10%, level 2 one micro-USD more than 5% of the base.
    // (PAID commissions are frozen by the database: the corruption bypasses its rules.)
    await bypassingRules(db, async (tx) => {
      await tx
        .updateTable('commissions')
        .set({ rate_bps: 2000 })
        .where('settlement_id', '=', settlementId)
        .where('level', '=', 1)
        .execute();
      await tx
        .updateTable('commissions')
        .set({ amount: 5_000_001n })
        .where('settlement_id', '=', settlementId)
        .where('level', '=', 2)
        .execute();
    });
    const after = await run(checkCommissions);
    const kinds = after.findings.items.map((finding) => finding.kind).sort();
    expect(kinds).toEqual(['AMOUNT_MISMATCH', 'COMMISSION_LEDGER_MISMATCH', 'RATE_MISMATCH']);
    expect(after.findings.items.find((finding) => finding.kind === 'RATE_MISMATCH')!.severity).toBe('FAIL');
    expect(after.findings.items.find((finding) => finding.kind === 'AMOUNT_MISMATCH')!.details).toMatchObject(
      {
        commissionAmount: '5000001',
        expectedAmount: '5000000',
      },
    );
  });

  it('reports a payout that pays more than its PAID commissions, and its batch', async () => {
    await bypassingRules(db, async (tx) => {
      await tx
        .updateTable('payouts')
        .set({ amount: sql`amount + 7` })
        .where('affiliate_id', '=', parentId)
        .execute();
    });
    const outcome = await run(checkPayouts);
    const kinds = outcome.findings.items.map((finding) => finding.kind).sort();
    expect(kinds).toEqual(['BATCH_MISMATCH', 'PAYOUT_AMOUNT_MISMATCH']);
  });

  it('reports a cycle in the affiliate tree (the trigger that refuses one bypassed)', async () => {
    await bypassingRules(db, async (tx) => {
      await tx.updateTable('affiliates').set({ parent_id: childId }).where('id', '=', parentId).execute();
    });
    const outcome = await run(checkAffiliateTree);
    const kinds = new Set(outcome.findings.items.map((finding) => finding.kind));
    expect(kinds.has('CYCLE')).toBe(true);
    expect(kinds.has('DEPTH_INCONSISTENT')).toBe(true);
    expect(outcome.figures.cycles).toBeGreaterThan(0);
  });

  it('stores a run with every check, its worst status and bounded findings', async () => {
    const result = await runReconciliation(reconciliationContext(db, null), {
      trigger: 'MANUAL',
      slot: null,
      requestedBy: 'alice',
      checks: ['ledger', 'commissions', 'payouts', 'affiliate_tree', 'stuck_intents'],
    });
    expect(result?.status).toBe('FAIL');
    const run = await getReconciliationRun(db, result!.id);
    expect(run.checks.map((check) => check.name)).toEqual([
      'ledger',
      'commissions',
      'payouts',
      'affiliate_tree',
      'stuck_intents',
    ]);
    expect(run.checkStatuses).toMatchObject({
      ledger: 'FAIL',
      commissions: 'FAIL',
      payouts: 'FAIL',
      affiliate_tree: 'FAIL',
      stuck_intents: 'OK',
    });
    expect(run.finishedAt).not.toBeNull();
    expect(run.findingCount).toBe(run.checks.reduce((sum, check) => sum + check.findingCount, 0));
  });
});

describe('stuck intents', () => {
  let test: TTestDatabase;
  let db: TDb;
  beforeAll(async () => {
    test = await openTestPglite();
    db = test.database.db;
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('lists intents PROCESSING longer than INTENT_TIMEOUT_MINUTES with a retry action, and retries one', async () => {
    const longAgo = new Date(Date.now() - 30 * 60_000);
    const stuck = await insertIntent(db, {
      type: 'REGISTER',
      status: 'PROCESSING',
      wallet: wallet(),
      createdAt: longAgo,
      updatedAt: longAgo,
    });
    const recent = await insertIntent(db, { type: 'REGISTER', status: 'PROCESSING', wallet: wallet() });
    const outcome = await checkStuckIntents.run(
      reconciliationContext(db, null, { intentTimeoutMinutes: 10 }),
    );
    expect(outcome.findings.items.map((finding) => finding.subject)).toEqual([`intent:${stuck}`]);
    expect(outcome.findings.items[0]!.action).toEqual({
      kind: 'RETRY_INTENT',
      intentId: stuck,
      path: `/api/admin/reconciliation/stuck-intents/${stuck}/retry`,
    });
    expect(outcome.figures).toMatchObject({ stuck: 1, byType: { REGISTER: 1 } });

    const who = { actor: 'alice', requestId: 'req-1' };
    await expect(
      retryStuckIntent(db, who, {
        intentId: recent,
        reason: 'x',
        programScope: null,
        timeoutMinutes: 10,
        now: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const retried = await retryStuckIntent(db, who, {
      intentId: stuck,
      reason: 'relayer funded',
      programScope: null,
      timeoutMinutes: 10,
      now: new Date(),
    });
    expect(retried).toMatchObject({ status: 'PENDING', locked_by: null });
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', stuck).execute();
    expect(audit).toMatchObject([{ actor: 'alice', action: 'intent.retry_stuck', request_id: 'req-1' }]);
    const events = await db.selectFrom('intent_events').selectAll().where('intent_id', '=', stuck).execute();
    expect(events).toMatchObject([{ from_status: 'PROCESSING', to_status: 'PENDING' }]);
    const again = await checkStuckIntents.run(reconciliationContext(db, null, { intentTimeoutMinutes: 10 }));
    expect(again.findings.count).toBe(0);
  });
});
