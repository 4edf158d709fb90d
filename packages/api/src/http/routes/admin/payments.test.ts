import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementLedgerEntries } from '../../../../test/support/ledger';
import {
  apiClient,
  databaseFingerprint,
  newWallet,
  registerAffiliateViaApi,
  type TApi,
} from '../../../../test/support/money-api';
import { startTestPlatform, tempDir } from '../../../../test/support/platform';
import { signRegistration, waitForRegistrationVerified } from '../../../../test/support/registration-proof';
import type { TDb } from '../../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../../db/migrations/0001-core-schema';
import { hasPaid } from '../../../domain/payments/has-paid';
import type { TPlatform } from '../../../platform';

const ALICE = 'alice-admin-key-0001';
const BOB = 'bob-admin-key-00002';

/**
 * POST /api/admin/payments in Mock mode (embedded database): a manual payment is a revenue settlement with
 * its ledger transaction and commissions, idempotent by reference, audited, validated, scoped.
 */
describe('manual payment entry', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let db: TDb;
  const A = DEFAULT_PROGRAM_ID;
  let B: string;
  let keyA: string;
  let keyB: string;
  let rootId: string;
  let childId: string;

  const referredWallet = async () => {
    const wallet = newWallet().address;
    await db
      .insertInto('users')
      .values({ program_id: A, wallet, referred_by_affiliate_id: childId })
      .execute();
    return wallet;
  };
  const paymentBody = (wallet: string, reference: string, overrides: Record<string, unknown> = {}) => ({
    programId: A,
    wallet,
    amount: '100000000',
    currency: 'USD',
    reference,
    note: 'bank transfer, invoice 42',
    ...overrides,
  });

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      ADMIN_API_KEYS: `alice:${ALICE},bob:${BOB}`,
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    });
    api = apiClient(platform.url!);
    db = platform.runtime.database.db;
    const created = await api('POST', '/api/admin/programs', {
      key: ALICE,
      body: { slug: 'payments-other', name: 'Other program' },
    });
    expect(created.status).toBe(201);
    B = created.body.id;
    const newKey = async (programId: string, name: string) => {
      const response = await api('POST', `/api/admin/programs/${programId}/api-keys`, {
        key: ALICE,
        body: { name },
      });
      expect(response.status).toBe(201);
      return response.body.key as string;
    };
    keyA = await newKey(A, 'pay-a');
    keyB = await newKey(B, 'pay-b');
    const root = await registerAffiliateViaApi(api, newWallet(), { programId: A, code: 'PAYROOT' });
    expect(root.status).toBe(201);
    rootId = root.body.id;
    const child = await registerAffiliateViaApi(api, newWallet(), {
      programId: A,
      code: 'PAYCHILD',
      parentCode: 'payroot',
    });
    expect(child.status).toBe(201);
    childId = child.body.id;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it('records the payment as a settlement with its revenue ledger entries and a commission per tree level, counts it as paid, and audits it', async () => {
    const wallet = await referredWallet();
    expect(await hasPaid(db, A, wallet)).toBe(false);
    const response = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet.toLowerCase(), 'wire-0001'),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      programId: A,
      wallet,
      amount: '100000000',
      currency: 'USD',
      reference: 'wire-0001',
      enteredBy: 'alice',
      created: true,
    });
    // Default levels [1000, 500]: 10 % to the direct referrer, 5 % to its parent.
    const byAffiliate = Object.fromEntries(
      response.body.commissions.map((c: { affiliateId: string; level: number; amount: string }) => [
        c.affiliateId,
        [c.level, c.amount],
      ]),
    );
    expect(byAffiliate).toEqual({ [childId]: [1, '10000000'], [rootId]: [2, '5000000'] });

    const settlement = await db
      .selectFrom('settlements')
      .selectAll()
      .where('id', '=', response.body.settlementId)
      .executeTakeFirstOrThrow();
    expect(settlement).toMatchObject({
      kind: 'COMMERCE_PAYMENT',
      wallet,
      amount: 100_000_000n,
      currency: 'USD',
      provider_ref: 'manual:wire-0001',
      intent_id: response.body.intentId,
    });
    const intent = await db
      .selectFrom('intents')
      .selectAll()
      .where('id', '=', response.body.intentId)
      .executeTakeFirstOrThrow();
    expect(intent).toMatchObject({
      status: 'CONFIRMED',
      type: 'COMMERCE_PAYMENT',
      idempotency_key: `manual-payment:${A}:wire-0001`,
    });
    expect(await settlementLedgerEntries(db, settlement.id)).toEqual([
      { account: 'revenue', currency: 'USD', amount: -100_000_000n },
      { account: 'treasury', currency: 'USD', amount: 100_000_000n },
    ]);
    const payable = await api('GET', `/api/admin/ledger/balances?programId=${A}`, { key: ALICE });
    expect(payable.status).toBe(200);
    const verify = await api('GET', `/api/admin/ledger/verify?programId=${A}`, { key: ALICE });
    expect(verify.body.balanced).toBe(true);
    expect(await hasPaid(db, A, wallet)).toBe(true);

    const audit = await api('GET', `/api/admin/audit-log?programId=${A}&action=payment.manual_record`, {
      key: ALICE,
    });
    expect(audit.status).toBe(200);
    const entry = audit.body.items.find((e: { subjectId: string }) => e.subjectId === settlement.id);
    expect(entry).toMatchObject({ actor: 'alice', subjectType: 'settlement' });
    expect(entry.after).toMatchObject({ reference: 'wire-0001', amount: '100000000' });
  });

  it('attributes a payment to the referrer of the registration once its proof of wallet is verified', async () => {
    const account = newWallet();
    const wallet = account.address;
    const registered = await api('POST', '/api/register', {
      body: await signRegistration({ account, ref: 'paychild' }),
    });
    expect([200, 202]).toContain(registered.status);
    // A registration's referral is not locked until the mint worker has verified its signature (issue 18).
    await waitForRegistrationVerified(db, DEFAULT_PROGRAM_ID, wallet);
    const response = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet, 'wire-before-mint', { programId: undefined, amount: '20000000' }),
    });
    expect(response.status).toBe(201);
    expect(response.body.enteredBy).toBe('alice');
    expect(
      response.body.commissions.map((c: { affiliateId: string; amount: string }) => [
        c.affiliateId,
        c.amount,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [childId, '2000000'],
        [rootId, '1000000'],
      ]),
    );
    // The worker mints the registration in the background; let it finish, so that later tests comparing
    // the database before and after see only their own writes.
    await expect
      .poll(
        async () =>
          (
            await db
              .selectFrom('intents')
              .select('status')
              .where('idempotency_key', '=', `register:${A}:${wallet}`)
              .executeTakeFirst()
          )?.status,
        { timeout: 30_000, interval: 200 },
      )
      .toBe('CONFIRMED');
  });

  it('replays the same reference and content as 200 with the recorded payment and writes nothing', async () => {
    const wallet = await referredWallet();
    const first = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet, 'wire-0002'),
    });
    expect(first.status).toBe(201);
    const before = await databaseFingerprint(db);
    // By another admin too: the reference, not the actor, identifies the payment.
    const again = await api('POST', '/api/admin/payments', {
      key: BOB,
      body: paymentBody(wallet, 'wire-0002'),
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      created: false,
      intentId: first.body.intentId,
      settlementId: first.body.settlementId,
      enteredBy: 'alice',
    });
    expect(again.body.commissions.map((c: { id: string }) => c.id).sort()).toEqual(
      first.body.commissions.map((c: { id: string }) => c.id).sort(),
    );
    expect(await databaseFingerprint(db)).toEqual(before);
  });

  it('records one payment when the same reference arrives twice at once', async () => {
    const wallet = await referredWallet();
    const responses = await Promise.all(
      [ALICE, BOB].map((key) =>
        api('POST', '/api/admin/payments', { key, body: paymentBody(wallet, 'wire-race') }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(new Set(responses.map((r) => r.body.settlementId)).size).toBe(1);
    const settlements = await db
      .selectFrom('settlements')
      .select('id')
      .where('wallet', '=', wallet)
      .execute();
    expect(settlements).toHaveLength(1);
    const commissions = await db
      .selectFrom('commissions')
      .select('id')
      .where('settlement_id', '=', settlements[0]!.id)
      .execute();
    expect(commissions).toHaveLength(2);
  });

  it('refuses the same reference with different content with 409 and writes nothing', async () => {
    const wallet = await referredWallet();
    expect(
      (await api('POST', '/api/admin/payments', { key: ALICE, body: paymentBody(wallet, 'wire-0003') }))
        .status,
    ).toBe(201);
    const before = await databaseFingerprint(db);
    for (const overrides of [
      { amount: '100000001' },
      { currency: 'USDC' },
      { note: 'another transfer' },
      { wallet: newWallet().address },
    ]) {
      const conflict = await api('POST', '/api/admin/payments', {
        key: ALICE,
        body: paymentBody(wallet, 'wire-0003', overrides),
      });
      expect(conflict.status, JSON.stringify(overrides)).toBe(409);
      expect(conflict.body.error).toBe('CONFLICT');
      expect(conflict.body.message).toContain('wire-0003');
    }
    expect(await databaseFingerprint(db)).toEqual(before);
  });

  it('refuses bad input with 400 naming the field and writes nothing', async () => {
    const wallet = await referredWallet();
    const before = await databaseFingerprint(db);
    const cases: [Record<string, unknown>, string][] = [
      [{ wallet: 'not-a-wallet' }, 'body.wallet'],
      [{ wallet: undefined }, 'body.wallet'],
      [{ amount: '0' }, 'body.amount'],
      [{ amount: '-5' }, 'body.amount'],
      [{ amount: '1.5' }, 'body.amount'],
      [{ amount: 100 }, 'body.amount'],
      [{ amount: '007' }, 'body.amount'],
      // Above the largest manual payment (1,000,000 USD): refused, not sent for approval.
      [{ amount: '1000000000001' }, 'body.amount'],
      [{ currency: 'EUR' }, 'body.currency'],
      [{ currency: 'SGE' }, 'body.currency'],
      [{ reference: '' }, 'body.reference'],
      [{ reference: 'has spaces' }, 'body.reference'],
      [{ reference: 'x'.repeat(101) }, 'body.reference'],
      [{ note: undefined }, 'body.note'],
      [{ note: '   ' }, 'body.note'],
      [{ programId: 'not-a-uuid' }, 'body.programId'],
      [{ extra: 1 }, 'body'],
    ];
    for (const [overrides, field] of cases) {
      const response = await api('POST', '/api/admin/payments', {
        key: ALICE,
        body: paymentBody(wallet, `wire-bad-${field}`, overrides),
      });
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(response.body.error).toBe('VALIDATION_FAILED');
      expect(response.body.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const unknownProgram = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet, 'wire-unknown-program', {
        programId: '00000000-0000-4000-8000-000000000099',
      }),
    });
    expect(unknownProgram.status).toBe(404);
    expect(await databaseFingerprint(db)).toEqual(before);
  });

  it('opens the payment gate: a wallet of a program that requires payment registers once its manual payment is recorded', async () => {
    const gated = await api('POST', '/api/admin/programs', {
      key: ALICE,
      body: { slug: 'payments-gated', name: 'Gated program', paymentRequired: true },
    });
    expect(gated.status).toBe(201);
    const account = newWallet();
    const wallet = account.address;
    const body = await signRegistration({ account, programId: gated.body.id });
    const refused = await api('POST', `/api/register?programId=${gated.body.id}`, { body });
    expect(refused.status).toBe(402);
    expect(refused.body.error).toBe('PAYMENT_REQUIRED');
    const paid = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet, 'wire-gate', { programId: gated.body.id }),
    });
    expect(paid.status).toBe(201);
    const accepted = await api('POST', `/api/register?programId=${gated.body.id}`, { body });
    expect([200, 202]).toContain(accepted.status);
  });

  it('refuses a program key, of its own program or another, with 403 and writes nothing: recording payments needs an admin', async () => {
    const wallet = await referredWallet();
    const before = await databaseFingerprint(db);
    for (const [key, programId] of [
      [keyB, A],
      [keyB, undefined],
      [keyA, undefined],
    ] as const) {
      const response = await api('POST', '/api/admin/payments', {
        key,
        body: paymentBody(wallet, 'wire-0004', { programId }),
      });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('FORBIDDEN');
      expect(response.body.message).toMatch(/admin/);
    }
    expect(
      (await api('POST', '/api/admin/payments', { body: paymentBody(wallet, 'wire-0004') })).status,
    ).toBe(401);
    expect(await databaseFingerprint(db)).toEqual(before);
    const own = await api('POST', '/api/admin/payments', {
      key: ALICE,
      body: paymentBody(wallet, 'wire-0004', { programId: B }),
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ programId: B, commissions: [] });
    expect(await hasPaid(db, B, wallet)).toBe(true);
    expect(await hasPaid(db, A, wallet)).toBe(false);
  });

  it('keeps a payment above the approval threshold pending until a second admin approves it; its proposer cannot', async () => {
    const wallet = await referredWallet();
    const before = await databaseFingerprint(db);
    const body = paymentBody(wallet, 'wire-large-1', { amount: '5000000000' }); // 5,000 USD > 1,000 USD
    const pending = await api('POST', '/api/admin/payments', { key: ALICE, body });
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({
      kind: 'MANUAL_PAYMENT',
      status: 'PENDING',
      proposedBy: 'alice',
      payload: { wallet, amount: '5000000000', reference: 'wire-large-1' },
    });
    // Nothing of the payment exists yet: no intent, settlement, ledger or commission; the same request again
    // is the same pending change, another amount under the same reference a conflict.
    expect(await databaseFingerprint(db)).toEqual({ ...before, audit_log: expect.any(String) });
    const again = await api('POST', '/api/admin/payments', { key: BOB, body });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(pending.body.id);
    const smaller = await api('POST', '/api/admin/payments', {
      key: BOB,
      body: { ...body, amount: '1000000' },
    });
    expect(smaller.status).toBe(409);
    expect(smaller.body.details).toMatchObject({ field: 'body.reference', changeId: pending.body.id });

    const own = await api('POST', `/api/admin/changes/${pending.body.id}/approve`, { key: ALICE });
    expect(own.status).toBe(403);
    expect(own.body.error).toBe('CHANGE_SELF_APPROVAL');
    const byKey = await api('POST', `/api/admin/changes/${pending.body.id}/approve`, { key: keyA });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error).toBe('FORBIDDEN');

    const approved = await api('POST', `/api/admin/changes/${pending.body.id}/approve`, { key: BOB });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPLIED', decidedBy: 'bob' });
    const settlementId = (approved.body.result.payment as { settlementId: string }).settlementId;
    const settlement = await db
      .selectFrom('settlements')
      .select(['amount', 'details'])
      .where('id', '=', settlementId)
      .executeTakeFirstOrThrow();
    expect(settlement.amount).toBe(5_000_000_000n);
    expect(settlement.details).toMatchObject({
      enteredBy: 'alice',
      approval: { changeId: pending.body.id, proposedBy: 'alice', approvedBy: 'bob' },
    });
    const twice = await api('POST', `/api/admin/changes/${pending.body.id}/approve`, { key: BOB });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('INVALID_STATE');
    // Sent again after approval: the recorded payment (200), nothing new.
    const replay = await api('POST', '/api/admin/payments', { key: ALICE, body });
    expect(replay.status).toBe(200);
    expect(replay.body.settlementId).toBe(settlementId);
    const listed = await api('GET', '/api/admin/changes?status=APPLIED&kind=MANUAL_PAYMENT', { key: keyA });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(pending.body.id);
  });

  it('records nothing for a rejected payment above the threshold', async () => {
    const wallet = await referredWallet();
    const pending = await api('POST', '/api/admin/payments', {
      key: BOB,
      body: paymentBody(wallet, 'wire-large-2', { amount: '2000000000' }),
    });
    expect(pending.status).toBe(202);
    const rejected = await api('POST', `/api/admin/changes/${pending.body.id}/reject`, {
      key: ALICE,
      body: { reason: 'no such transfer on the bank statement' },
    });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', decidedBy: 'alice' });
    expect((await api('POST', `/api/admin/changes/${pending.body.id}/approve`, { key: ALICE })).status).toBe(
      409,
    );
    const intents = await db
      .selectFrom('intents')
      .select('id')
      .where('idempotency_key', '=', `manual-payment:${A}:wire-large-2`)
      .execute();
    expect(intents).toEqual([]);
  });
});
