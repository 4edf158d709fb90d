import { ZCommerceChargeView } from '@sge/shared';
import { sql } from 'kysely';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commerceDelivery, postCommerceWebhook } from '../../../test/support/commerce';
import { CrashPlugin, InjectedCrash } from '../../../test/support/crash-plugin';
import { apiClient, databaseFingerprint, type TApi } from '../../../test/support/money-api';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import {
  signRegistration,
  testWalletAccount,
  waitForRegistrationVerified,
} from '../../../test/support/registration-proof';
import { MOCK_COMMERCE_WEBHOOK_SECRET } from '../../config/load-config';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import type { TPlatform } from '../../platform';
import { verifyLedger } from '../ledger/verify-ledger';
import { hasPaid } from '../payments/has-paid';
import { commercePaymentKey } from './confirm-commerce-payment';
import { processCommerceEvent } from './receive-commerce-webhook';
import { retryFailedCommerceEvents } from './retry-failed-webhook-events';

const SECRET = MOCK_COMMERCE_WEBHOOK_SECRET;
const ADMIN = 'dev-admin-key';
const wallet = (n: number) => getAddress(`0x${(0xc0ffee000 + n).toString(16).padStart(40, '0')}`);

/** Everything a Commerce event may touch, as row counts and digests: equal means nothing changed. */
async function commerceFingerprint(db: TDb) {
  const money = await databaseFingerprint(db);
  const extra: Record<string, string> = {};
  for (const table of [
    'webhook_events',
    'commerce_charges',
    'commerce_charge_events',
    'intent_events',
  ] as const) {
    const row = await sql<{ digest: string | null; n: number }>`
      SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int8 AS n
        FROM ${sql.table(table)} t`.execute(db);
    extra[table] = `${row.rows[0]!.n}:${row.rows[0]!.digest}`;
  }
  return { ...money, ...extra };
}

/**
 * The Commerce webhook in Mock mode (embedded PGlite, real anvil, the HTTP API on a port): signature,
 * exactly-once processing under concurrent redelivery, failures that stay retryable, refunds, and the
 * simulated checkout feeding the payment gate of registration.
 */
describe('Commerce webhook and simulated checkout (Mock mode)', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let url: string;
  let db: TDb;
  let alphaId: string;
  let betaId: string;

  /** A stored Mock charge for `who` referred by BETA (the payer has no users row: pay-before-register). */
  const newCharge = async (who: string, programId = DEFAULT_PROGRAM_ID) => {
    const response = await api('POST', `/api/commerce/charge?programId=${programId}`, {
      body: { wallet: who.toLowerCase(), ref: 'beta', returnUrl: 'http://localhost:5173/' },
    });
    expect(response.status).toBe(201);
    return ZCommerceChargeView.parse(response.body);
  };

  const settlementsOf = async (code: string) =>
    await db
      .selectFrom('settlements as s')
      .innerJoin('intents as i', 'i.id', 's.intent_id')
      .selectAll('s')
      .where('i.idempotency_key', '=', commercePaymentKey(DEFAULT_PROGRAM_ID, code))
      .execute();

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, RATE_LIMIT_PER_IP_PER_MINUTE: '100000' });
    url = platform.url!;
    api = apiClient(url);
    db = platform.runtime.database.db;
    const affiliates = await db.selectFrom('affiliates').select(['id', 'code']).execute();
    alphaId = affiliates.find((a) => a.code === 'ALPHA')!.id;
    betaId = affiliates.find((a) => a.code === 'BETA')!.id;
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it('processes a valid charge:confirmed delivered 5 times at once exactly once, commissions included', async () => {
    const payer = wallet(1);
    const charge = await newCharge(payer);
    expect(charge).toMatchObject({ status: 'NEW', amount: '100000000', source: 'MOCK', paid: false });
    const { body } = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postCommerceWebhook(url, body, { secret: SECRET })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const outcomes = responses.map((r) => (r.json as { outcome: string }).outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed']);

    const settlements = await settlementsOf(charge.code);
    expect(settlements).toHaveLength(1);
    expect(settlements[0]).toMatchObject({
      kind: 'COMMERCE_PAYMENT',
      amount: 100_000_000n,
      currency: 'USD',
      provider_ref: charge.code,
      wallet: payer,
    });
    const settlementId = settlements[0]!.id;
    const revenue = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('reference', '=', `settlement:${settlementId}`)
      .execute();
    expect(revenue).toHaveLength(1);
    // The payer paid before registering: the referral carried on the charge pays BETA (10 %) and ALPHA (5 %).
    const commissions = await db
      .selectFrom('commissions')
      .select(['affiliate_id', 'level', 'amount'])
      .where('settlement_id', '=', settlementId)
      .orderBy('level')
      .execute();
    expect(commissions).toEqual([
      { affiliate_id: betaId, level: 1, amount: 10_000_000n },
      { affiliate_id: alphaId, level: 2, amount: 5_000_000n },
    ]);
    const commissionTransactions = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('kind', '=', 'commission')
      .where(
        'reference',
        'in',
        (
          await db.selectFrom('commissions').select('id').where('settlement_id', '=', settlementId).execute()
        ).map((c) => `commission:${c.id}`),
      )
      .execute();
    expect(commissionTransactions).toHaveLength(2);
    const events = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('type', '=', 'charge:confirmed')
      .execute();
    expect(
      events.filter(
        (e) =>
          e.payload && (e.payload as { event: { data: { code: string } } }).event.data.code === charge.code,
      ),
    ).toHaveLength(1);

    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view).toMatchObject({ status: 'CONFIRMED', paid: true });
    expect(view.history.map((h) => h.status)).toEqual(['NEW', 'CONFIRMED']);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(true);
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
  });

  it('refuses a missing or wrong signature with 400, changes nothing, and counts it', async () => {
    const payer = wallet(2);
    const charge = await newCharge(payer);
    const { body } = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    const before = await commerceFingerprint(db);
    const metric = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = /^sge_webhook_verification_failures_total\{provider="coinbase_commerce"\} (\d+)$/m.exec(
        text,
      );
      return line ? Number(line[1]) : 0;
    };
    const failuresBefore = await metric();

    const missing = await postCommerceWebhook(url, body, null);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'WEBHOOK_SIGNATURE_INVALID' });
    const wrongSecret = await postCommerceWebhook(url, body, { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(400);
    const notHex = await postCommerceWebhook(url, body, { header: 'sha256=zzz' });
    expect(notHex.status).toBe(400);
    // The right signature of other bytes: a body changed in transit (here: one more space) is refused.
    const { signCommercePayload } = await import('./commerce-signature');
    const tampered = await postCommerceWebhook(url, `${body} `, {
      header: signCommercePayload(body, SECRET),
    });
    expect(tampered.status).toBe(400);

    expect(await commerceFingerprint(db)).toEqual(before);
    expect(await metric()).toBe(failuresBefore + 4);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
  });

  it('answers a malformed but signed envelope with 400 VALIDATION_FAILED and writes nothing', async () => {
    const before = await commerceFingerprint(db);
    const body = JSON.stringify({ id: 'x', event: { id: 'e1', type: 'charge:confirmed' } });
    const response = await postCommerceWebhook(url, body, { secret: SECRET });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'VALIDATION_FAILED' });
    expect(await commerceFingerprint(db)).toEqual(before);
  });

  it('keeps an event that failed mid-processing retryable (5xx, nothing applied); a redelivery completes it', async () => {
    const payer = wallet(3);
    const charge = await newCharge(payer);
    const { body, envelope } = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    // A failure inside the event's transaction, after the intent and the users row were written: the
    // settlement insert raises (as a lost connection or a full disk would).
    await sql`
      CREATE FUNCTION commerce_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure while recording the settlement'; END $$;
      CREATE TRIGGER commerce_test_fail BEFORE INSERT ON settlements FOR EACH ROW EXECUTE FUNCTION commerce_test_fail();
    `.execute(db);
    try {
      const failed = await postCommerceWebhook(url, body, { secret: SECRET });
      expect(failed.status).toBe(500);
      const again = await postCommerceWebhook(url, body, { secret: SECRET });
      expect(again.status).toBe(500);
    } finally {
      await sql`DROP TRIGGER commerce_test_fail ON settlements; DROP FUNCTION commerce_test_fail();`.execute(
        db,
      );
    }
    const event = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('id', '=', envelope.event.id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(event.last_error).toMatch(/injected failure/);
    expect(await settlementsOf(charge.code)).toHaveLength(0);
    const intent = await db
      .selectFrom('intents')
      .select('id')
      .where('idempotency_key', '=', commercePaymentKey(DEFAULT_PROGRAM_ID, charge.code))
      .executeTakeFirst();
    expect(intent).toBeUndefined();
    expect(
      (
        await db
          .selectFrom('commerce_charges')
          .select('status')
          .where('code', '=', charge.code)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('NEW');

    const redelivered = await postCommerceWebhook(url, body, { secret: SECRET });
    expect(redelivered.status).toBe(200);
    expect(redelivered.json).toMatchObject({ outcome: 'processed' });
    expect(await settlementsOf(charge.code)).toHaveLength(1);
    const done = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('id', '=', envelope.event.id)
      .executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: 'PROCESSED', attempts: 3 });
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(true);

    // With Commerce gone quiet, the stored event can also be retried from the database (same path).
    const other = await newCharge(wallet(12));
    const stuck = commerceDelivery({
      type: 'charge:confirmed',
      code: other.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: wallet(12),
    });
    await sql`
      CREATE FUNCTION commerce_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER commerce_test_fail BEFORE INSERT ON settlements FOR EACH ROW EXECUTE FUNCTION commerce_test_fail();
    `.execute(db);
    try {
      expect((await postCommerceWebhook(url, stuck.body, { secret: SECRET })).status).toBe(500);
    } finally {
      await sql`DROP TRIGGER commerce_test_fail ON settlements; DROP FUNCTION commerce_test_fail();`.execute(
        db,
      );
    }
    const retried = await retryFailedCommerceEvents(db);
    expect(retried).toEqual(
      expect.arrayContaining([{ eventId: stuck.envelope.event.id, outcome: 'processed' }]),
    );
    expect(await settlementsOf(other.code)).toHaveLength(1);
  });

  it('survives a crash at every statement of the processing and records the payment once on redelivery', async () => {
    const crash = new CrashPlugin();
    const crashDb = db.withPlugin(crash);
    const secretHook = new Error('hook failure after the effects');
    // A test hook that throws inside the transaction after every effect was written: all of it rolls back.
    {
      const payer = wallet(4);
      const charge = await newCharge(payer);
      const { envelope } = commerceDelivery({
        type: 'charge:confirmed',
        code: charge.code,
        programId: DEFAULT_PROGRAM_ID,
        wallet: payer,
      });
      await expect(
        processCommerceEvent(db, envelope, {
          afterEffects: async () => {
            throw secretHook;
          },
        }),
      ).rejects.toBe(secretHook);
      expect(await settlementsOf(charge.code)).toHaveLength(0);
      expect(await processCommerceEvent(db, envelope)).toMatchObject({ outcome: 'processed' });
      expect(await settlementsOf(charge.code)).toHaveLength(1);
    }
    // A crash at each statement in turn, until one run gets through without reaching the armed point.
    let crashes = 0;
    for (let at = 0; at < 100; at++) {
      const payer = wallet(100 + at);
      const charge = await newCharge(payer);
      const { envelope } = commerceDelivery({
        type: 'charge:confirmed',
        code: charge.code,
        programId: DEFAULT_PROGRAM_ID,
        wallet: payer,
      });
      crash.arm(at);
      let crashed = false;
      try {
        await processCommerceEvent(crashDb, envelope);
      } catch (error) {
        expect(error).toBeInstanceOf(InjectedCrash);
        crashed = true;
      }
      crash.disarm();
      if (!crashed) break;
      crashes++;
      expect(await settlementsOf(charge.code)).toHaveLength(0);
      const stored = await db
        .selectFrom('webhook_events')
        .select('status')
        .where('id', '=', envelope.event.id)
        .executeTakeFirst();
      expect(stored?.status ?? 'ABSENT').not.toBe('PROCESSED');
      expect(await processCommerceEvent(db, envelope)).toMatchObject({ outcome: 'processed' });
      expect(await settlementsOf(charge.code)).toHaveLength(1);
      expect(await processCommerceEvent(db, envelope)).toMatchObject({ outcome: 'duplicate' });
    }
    expect(crashes).toBeGreaterThan(10);
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
  }, 240_000);

  it('records charge:pending, charge:delayed and charge:failed in the history without a payment', async () => {
    const payer = wallet(5);
    const charge = await newCharge(payer);
    for (const type of ['charge:pending', 'charge:delayed', 'charge:failed']) {
      const { body } = commerceDelivery({
        type,
        code: charge.code,
        programId: DEFAULT_PROGRAM_ID,
        wallet: payer,
      });
      expect((await postCommerceWebhook(url, body, { secret: SECRET })).status).toBe(200);
    }
    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view.status).toBe('FAILED');
    expect(view.paid).toBe(false);
    expect(view.history.map((h) => [h.status, h.eventType])).toEqual([
      ['NEW', null],
      ['PENDING', 'charge:pending'],
      ['DELAYED', 'charge:delayed'],
      ['FAILED', 'charge:failed'],
    ]);
    expect(await settlementsOf(charge.code)).toHaveLength(0);
    // A late confirmation still counts (Commerce confirms a delayed payment); a late failure then does not undo it.
    const confirmed = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, confirmed.body, { secret: SECRET })).status).toBe(200);
    const lateFailure = commerceDelivery({
      type: 'charge:failed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, lateFailure.body, { secret: SECRET })).status).toBe(200);
    const after = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(after).toMatchObject({ status: 'CONFIRMED', paid: true });
  });

  it('refunds through the admin endpoint: commissions cancelled, revenue reversed, ledger balanced, gate closed, audited', async () => {
    const payer = wallet(6);
    const charge = await newCharge(payer);
    const { body } = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, body, { secret: SECRET })).status).toBe(200);
    const [settlement] = await settlementsOf(charge.code);
    const betaBefore = await payableOf(betaId);

    const unauthenticated = await api('POST', `/api/admin/commerce/charges/${charge.code}/refund`, {
      body: { reason: 'x' },
    });
    expect(unauthenticated.status).toBe(401);
    const refund = await api('POST', `/api/admin/commerce/charges/${charge.code}/refund`, {
      key: ADMIN,
      body: { reason: 'customer asked' },
    });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ code: charge.code, settlementId: settlement!.id, created: true });
    expect(refund.body.cancelled).toHaveLength(2);
    const again = await api('POST', `/api/admin/commerce/charges/${charge.code}/refund`, {
      key: ADMIN,
      body: { reason: 'again' },
    });
    expect(again.body).toMatchObject({ created: false, cancelled: [] });

    const commissions = await db
      .selectFrom('commissions')
      .select('status')
      .where('settlement_id', '=', settlement!.id)
      .execute();
    expect(commissions.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(await payableOf(betaId)).toBe(betaBefore + 10_000_000n);
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view).toMatchObject({ status: 'REFUNDED', paid: false });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('subject_id', '=', charge.code)
      .execute();
    expect(audit).toEqual([{ action: 'commerce_charge.refund', actor: 'dev' }]);
    // A confirmation redelivered after the refund does not bring the payment back.
    const late = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, late.body, { secret: SECRET })).status).toBe(200);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);

    const unpaid = await newCharge(wallet(7));
    const refused = await api('POST', `/api/admin/commerce/charges/${unpaid.code}/refund`, {
      key: ADMIN,
      body: { reason: 'x' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('INVALID_STATE');
  });

  it('refunds on a signed charge:refunded event the same way', async () => {
    const payer = wallet(8);
    const charge = await newCharge(payer);
    const confirmed = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    await postCommerceWebhook(url, confirmed.body, { secret: SECRET });
    const refunded = commerceDelivery({
      type: 'charge:refunded',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, refunded.body, { secret: SECRET })).status).toBe(200);
    const [settlement] = await settlementsOf(charge.code);
    const commissions = await db
      .selectFrom('commissions')
      .select('status')
      .where('settlement_id', '=', settlement!.id)
      .execute();
    expect(commissions.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
  });

  it('rejects bad charge requests with a clear 4xx and stores nothing', async () => {
    const before = await commerceFingerprint(db);
    const badWallet = await api('POST', '/api/commerce/charge', { body: { wallet: '0x123' } });
    expect(badWallet.status).toBe(400);
    const badReturn = await api('POST', '/api/commerce/charge', {
      body: { wallet: wallet(9), returnUrl: 'https://evil.example/phish' },
    });
    expect(badReturn.status).toBe(400);
    expect(badReturn.body.details).toEqual({ field: 'body.returnUrl' });
    const missingProgram = await api(
      'POST',
      `/api/v2/programs/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/commerce/charge`,
      {
        body: { wallet: wallet(9) },
      },
    );
    expect(missingProgram.status).toBe(404);
    expect((await api('GET', '/api/commerce/charge/NOPE1234')).status).toBe(404);
    expect(await commerceFingerprint(db)).toEqual(before);
    const paidAlready = await api('POST', '/api/commerce/charge', { body: { wallet: wallet(1) } });
    expect(paidAlready.status).toBe(409);
  });

  it('Mock checkout: charge → hosted page → Pay → signed webhook → paid → registration no longer 402', async () => {
    const gated = await api('POST', '/api/admin/programs', {
      key: ADMIN,
      body: { slug: 'gated-commerce', name: 'Gated by Commerce', paymentRequired: true },
    });
    expect(gated.status).toBe(201);
    const programId = gated.body.id as string;
    const account = testWalletAccount(0xc0ffee010);
    const payer = account.address;
    const body = await signRegistration({ account, programId });
    const register = () => api('POST', `/api/v2/programs/${programId}/register`, { body });
    const refused = await register();
    expect(refused.status).toBe(402);
    expect(refused.body.error).toBe('PAYMENT_REQUIRED');

    const created = await api('POST', `/api/v2/programs/${programId}/commerce/charge`, {
      body: { wallet: payer, email: 'payer@example.com', returnUrl: 'http://localhost:5173/?wallet=x' },
    });
    expect(created.status).toBe(201);
    const charge = ZCommerceChargeView.parse(created.body);
    expect(charge.hostedUrl).toBe(`${url}/api/commerce/checkout/${charge.code}`);

    const page = await fetch(charge.hostedUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('data-testid="checkout-pay"');
    expect(html).toContain('100.00 USD');
    const action = /action="([^"]+\/pay)"/.exec(html)![1]!;

    const paid = await fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const location = new URL(paid.headers.get('location')!);
    expect(location.origin).toBe('http://localhost:5173');
    expect(location.searchParams.get('checkout')).toBe(charge.code);
    expect(location.searchParams.get('checkout_status')).toBe('returned');
    expect(location.searchParams.get('wallet')).toBe('x');

    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view).toMatchObject({ status: 'CONFIRMED', paid: true });
    expect(view.history.map((h) => h.eventType)).toEqual([null, 'charge:pending', 'charge:confirmed']);
    const deliveries = await db
      .selectFrom('commerce_charge_events')
      .innerJoin('webhook_events', 'webhook_events.id', 'commerce_charge_events.webhook_event_id')
      .select(['webhook_events.status', 'webhook_events.type'])
      .where('charge_code', '=', charge.code)
      .execute();
    expect(deliveries).toHaveLength(2);
    expect(deliveries.every((d) => d.status === 'PROCESSED')).toBe(true);

    // Pressing Pay again redelivers the same events: duplicates, no second payment.
    const twice = await fetch(new URL(action, url), { method: 'POST', redirect: 'manual' });
    expect(twice.status).toBe(303);
    const settlements = await db
      .selectFrom('settlements')
      .select('id')
      .where('provider_ref', '=', charge.code)
      .execute();
    expect(settlements).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the program cache (PROGRAM_CACHE_MS)
    const accepted = await register();
    expect(accepted.status).toBe(202);
  });

  it('Mock checkout: Cancel delivers charge:failed and returns with checkout_status=canceled', async () => {
    const payer = wallet(11);
    const charge = await newCharge(payer);
    const canceled = await fetch(`${url}/api/commerce/checkout/${charge.code}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(canceled.status).toBe(303);
    expect(new URL(canceled.headers.get('location')!).searchParams.get('checkout_status')).toBe('canceled');
    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view).toMatchObject({ status: 'FAILED', paid: false });
  });

  it('credits the referrer of an earlier registration (first touch) over the ref given at checkout', async () => {
    const account = testWalletAccount(13);
    const payer = account.address;
    const registered = await api('POST', '/api/register', {
      body: await signRegistration({ account, ref: 'alpha' }),
    });
    expect(registered.status).toBe(202);
    // The registration's referral counts once the mint worker has verified its signature (issue 18).
    await waitForRegistrationVerified(db, DEFAULT_PROGRAM_ID, payer);
    const response = await api('POST', '/api/commerce/charge', { body: { wallet: payer, ref: 'gamma' } });
    expect(response.status).toBe(201);
    const { code } = ZCommerceChargeView.parse(response.body);
    const { body } = commerceDelivery({
      type: 'charge:confirmed',
      code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect((await postCommerceWebhook(url, body, { secret: SECRET })).status).toBe(200);
    const [settlement] = await settlementsOf(code);
    const commissions = await db
      .selectFrom('commissions')
      .select(['affiliate_id', 'level'])
      .where('settlement_id', '=', settlement!.id)
      .execute();
    expect(commissions).toEqual([{ affiliate_id: alphaId, level: 1 }]);
  });

  it('describes the Commerce endpoints in the OpenAPI document', async () => {
    const document = (await api('GET', '/api/openapi.json')).body;
    for (const path of [
      '/api/commerce/charge',
      '/api/v2/programs/{programId}/commerce/charge',
      '/api/commerce/charge/{code}',
      '/api/commerce/webhook',
      '/api/admin/commerce/charges/{code}/refund',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.paths['/api/commerce/checkout/{code}']).toBeUndefined();
  });

  it('limits forged deliveries from one address per minute: past the limit they get 429 before any HMAC', async () => {
    const { WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE } = await import('../../http/routes/commerce/webhook');
    const server = platform.server!;
    // Another address than the tests above (127.0.0.1), so their deliveries keep their own count.
    const forge = () =>
      server.inject({
        method: 'POST',
        url: '/api/commerce/webhook',
        remoteAddress: '203.0.113.77',
        headers: { 'content-type': 'application/json', 'x-cc-webhook-signature': 'ab'.repeat(32) },
        payload: '{"id":"forged","event":{}}',
      });
    const statuses = new Map<number, number>();
    for (let n = 0; n < WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE + 20; n += 1) {
      const { statusCode } = await forge();
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    }
    // A clock minute may turn during the flood, giving the address a second window: at most twice the limit.
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeLessThanOrEqual(WEBHOOK_RATE_LIMIT_PER_IP_PER_MINUTE);
  });

  async function payableOf(affiliateId: string): Promise<bigint> {
    const row = await sql<{ balance: bigint | null }>`
      SELECT sum(amount) AS balance FROM ledger_entries WHERE account = ${`affiliate:${affiliateId}:payable`}`.execute(
      db,
    );
    return BigInt(row.rows[0]?.balance ?? 0n);
  }
});
