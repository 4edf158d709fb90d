import { randomBytes } from 'node:crypto';
import { verifyWebhookSignatureWithCurrentTime } from 'hook0-client';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdpTestKey, startFakeBusiness } from '../../../test/support/business';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { businessRestApi, type TBusinessApi } from '../../providers/business-api';
import { HOOK0_SIGNATURE_HEADER, signHook0, verifyHook0 } from '../../providers/hook0-signature';
import { AppError } from '../app-error';
import { hasPaid } from '../payments/has-paid';
import { createCommerceCharge } from './create-commerce-charge';
import { processBusinessEvent, verifyBusinessDelivery } from './receive-business-webhook';
import { refundCommerceCharge } from './refund-commerce-charge';

const SECRET = 'business-webhook-test-secret';
const wallet = (n: number) => getAddress(`0x${(0xb05000 + n).toString(16).padStart(40, '0')}`);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery as Coinbase (Hook0) sends it: CDP's envelope, signed over content-type, x-hook0-id and the body. */
function delivery(
  checkout: Record<string, unknown>,
  type: string,
  options: { eventId?: string; t?: number } = {},
) {
  const eventId = options.eventId ?? randomBytes(16).toString('hex');
  const body = JSON.stringify({
    eventId,
    eventType: type,
    timestamp: new Date().toISOString(),
    data: checkout,
  });
  const signed = { 'content-type': 'application/json', 'x-hook0-id': eventId };
  const t = options.t ?? nowSeconds();
  const headers = { ...signed, [HOOK0_SIGNATURE_HEADER]: signHook0(body, signed, SECRET, t) };
  return { rawBody: Buffer.from(body), headers, eventId };
}

/**
 * Coinbase Business Checkouts (issue 19) through a local stand-in of Coinbase's API that checks the CDP JWT
 * with the key's public key, and its Hook0-signed webhooks applied once whatever the order and repetition.
 */
describe('Coinbase Business checkouts', () => {
  let test: TTestDatabase;
  let db: TDb;
  let business: Awaited<ReturnType<typeof startFakeBusiness>>;
  let api: TBusinessApi;
  const key = cdpTestKey();

  const checkoutFor = async (payer: string) => {
    const view = await createCommerceCharge(db, () => ({ kind: 'business', api }), {
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
      returnUrl: 'https://app.example/',
    });
    return { view, id: view.code.toLowerCase() };
  };
  const receive = (d: ReturnType<typeof delivery>) =>
    processBusinessEvent(
      db,
      verifyBusinessDelivery({ rawBody: d.rawBody, headers: d.headers, secret: SECRET }),
    );

  beforeAll(async () => {
    [test, business] = await Promise.all([openTestPglite(), startFakeBusiness(key)]);
    db = test.database.db;
    api = businessRestApi({ apiUrl: business.url, apiKeyId: key.apiKeyId, apiKeySecret: key.apiKeySecret });
    await db.updateTable('programs').set({ payment_provider: 'coinbase-business' }).execute();
  });
  afterAll(async () => {
    await business?.close();
    await test?.cleanup();
  });

  it('creates a checkout with a valid CDP JWT bearer and an idempotency key, and stores it', async () => {
    const payer = wallet(1);
    const { view, id } = await checkoutFor(payer);
    const request = business.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/api/v1/checkouts' });
    expect(request.idempotencyKey).toMatch(new RegExp(`^checkout:${DEFAULT_PROGRAM_ID}:${payer}:`));
    expect(request.jwt.claims).toMatchObject({ sub: key.apiKeyId, iss: 'cdp' });
    expect(request.body).toMatchObject({
      amount: '100.00',
      currency: 'USDC',
      metadata: { programId: DEFAULT_PROGRAM_ID, wallet: payer },
    });
    expect(view).toMatchObject({ source: 'BUSINESS', status: 'NEW', amount: '100000000', paid: false });
    expect(view.hostedUrl).toBe(business.checkouts.get(id)!.url);
    // A wrong key is refused by Coinbase and answered 503 with nothing stored.
    const wrong = businessRestApi({
      apiUrl: business.url,
      apiKeyId: key.apiKeyId,
      apiKeySecret: cdpTestKey().apiKeySecret,
    });
    const refused = await createCommerceCharge(
      db,
      { kind: 'business', api: wrong },
      {
        programId: DEFAULT_PROGRAM_ID,
        wallet: wallet(2),
        returnUrl: 'https://app.example/',
      },
    ).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(refused.message).toMatch(/HTTP 401: bad signature/);
  });

  it('agrees with hook0-client on the same signed request: valid, tampered, older than 5 minutes', () => {
    const d = delivery(
      { id: 'a'.repeat(24), amount: '100.00', currency: 'USDC', status: 'COMPLETED' },
      'checkout.payment.success',
    );
    const headers = new Headers(d.headers);
    const hook0 = (raw: Buffer, at: Date) => {
      try {
        return verifyWebhookSignatureWithCurrentTime(
          d.headers[HOOK0_SIGNATURE_HEADER],
          raw,
          headers,
          SECRET,
          300,
          at,
        );
      } catch {
        return false;
      }
    };
    const ours = (raw: Buffer, at: Date) =>
      verifyHook0({ rawBody: raw, headers: d.headers, secret: SECRET, nowSeconds: at.getTime() / 1000 }).ok;
    const tampered = Buffer.from(d.rawBody.toString().replace('100.00', '1.00'));
    const later = new Date(Date.now() + 301_000);
    for (const [raw, at, expected] of [
      [d.rawBody, new Date(), true],
      [tampered, new Date(), false],
      [d.rawBody, later, false],
    ] as const) {
      expect(ours(raw, at)).toBe(expected);
      expect(hook0(raw, at)).toBe(expected);
    }
  });

  it('applies a payment once: replayed and concurrent deliveries are duplicates', async () => {
    const payer = wallet(3);
    const { id } = await checkoutFor(payer);
    const paid = delivery(business.complete(id), 'checkout.payment.success');
    const first = await receive(paid);
    expect(first).toMatchObject({ outcome: 'processed', applied: { payment: { created: true } } });
    expect(await receive(paid)).toMatchObject({ outcome: 'duplicate' });
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(true);

    const other = wallet(4);
    const second = await checkoutFor(other);
    const again = delivery(business.complete(second.id), 'checkout.payment.success');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => receive(again)));
    expect(outcomes.filter((o) => o.outcome === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(4);
    const settlements = await db
      .selectFrom('settlements')
      .select('id')
      .where('wallet', 'in', [payer, other])
      .where('kind', '=', 'COMMERCE_PAYMENT')
      .execute();
    expect(settlements).toHaveLength(2);
    // A late failure does not undo the payment.
    await receive(
      delivery({ ...business.checkouts.get(second.id)!, status: 'FAILED' }, 'checkout.payment.failed'),
    );
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, other)).toBe(true);
  });

  it('out of order: a refund reported before its payment leaves nothing paid', async () => {
    const payer = wallet(5);
    const { id } = await checkoutFor(payer);
    const completed = { ...business.complete(id) };
    await receive(
      delivery({ ...completed, status: 'REFUNDED', refundedAmount: '100.00' }, 'checkout.refund.success'),
    );
    expect(await receive(delivery(completed, 'checkout.payment.success'))).toMatchObject({
      outcome: 'processed',
    });
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
    const row = await db
      .selectFrom('commerce_charges')
      .select('status')
      .where('code', '=', id.toUpperCase())
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('REFUNDED');
  });

  it('refuses old and badly signed deliveries before writing anything', async () => {
    const payer = wallet(6);
    const { id } = await checkoutFor(payer);
    const checkout = business.complete(id);
    const old = delivery(checkout, 'checkout.payment.success', { t: nowSeconds() - 301 });
    expect(() =>
      verifyBusinessDelivery({ rawBody: old.rawBody, headers: old.headers, secret: SECRET }),
    ).toThrow(/more than 5 minutes/);
    const forged = delivery(checkout, 'checkout.payment.success');
    expect(() =>
      verifyBusinessDelivery({ rawBody: forged.rawBody, headers: forged.headers, secret: 'not-the-secret' }),
    ).toThrow(expect.objectContaining({ code: 'WEBHOOK_SIGNATURE_INVALID' }));
    const unsigned = { ...forged.headers, [HOOK0_SIGNATURE_HEADER]: undefined };
    expect(() =>
      verifyBusinessDelivery({ rawBody: forged.rawBody, headers: unsigned, secret: SECRET }),
    ).toThrow(/missing/);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
    const events = await db
      .selectFrom('webhook_events')
      .select('id')
      .where('id', '=', `business:${old.eventId}`)
      .execute();
    expect(events).toHaveLength(0);
  });

  it('refunds a Business payment through Coinbase, then the books; the refund webhook is then a no-op', async () => {
    const payer = wallet(7);
    const { id } = await checkoutFor(payer);
    await receive(delivery(business.complete(id), 'checkout.payment.success'));
    const who = { actor: 'admin:test', requestId: null };
    const refund = await refundCommerceCharge(db, id.toUpperCase(), 'customer asked', {
      who,
      programScope: null,
      business: api,
    });
    expect(refund.created).toBe(true);
    const call = business.requests.at(-1)!;
    expect(call).toMatchObject({
      method: 'POST',
      url: `/api/v1/checkouts/${id}/refund`,
      idempotencyKey: `refund:${id.toUpperCase()}`,
    });
    expect(call.body).toMatchObject({ amount: '100.00', currency: 'USDC' });
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);
    const webhook = await receive(delivery(business.checkouts.get(id)!, 'checkout.refund.success'));
    expect(webhook.applied?.refunded).toBe(false);
  });
});
