import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCommerce } from '../../../test/support/commerce';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { commerceRestApi, decimalToMicroUsd, microUsdToDecimal } from '../../providers/commerce-api';
import { AppError } from '../app-error';
import { hasPaid } from '../payments/has-paid';
import { createCommerceCharge } from './create-commerce-charge';
import { getCommerceCharge, refreshCommerceCharge } from './get-commerce-charge';

const API_KEY = 'test-commerce-api-key';
const wallet = (n: number) => getAddress(`0x${(0xfeed000 + n).toString(16).padStart(40, '0')}`);

/**
 * Real mode's charge creation through the Coinbase Commerce REST API, against a small local server that
 * speaks its charges API (headers, body and answer checked), on the embedded database.
 */
describe('Commerce charges in Real mode (local Commerce API server)', () => {
  let test: TTestDatabase;
  let db: TDb;
  let commerce: Awaited<ReturnType<typeof startFakeCommerce>>;

  beforeAll(async () => {
    [test, commerce] = await Promise.all([openTestPglite(), startFakeCommerce(API_KEY)]);
    db = test.database.db;
  });
  afterAll(async () => {
    await commerce?.close();
    await test?.cleanup();
  });

  it('converts micro-USD to Commerce decimal strings and back without floats', () => {
    expect(microUsdToDecimal(100_000_000n)).toBe('100.00');
    expect(microUsdToDecimal(1_234_567n)).toBe('1.234567');
    expect(microUsdToDecimal(1_500_000n)).toBe('1.50');
    expect(microUsdToDecimal(10n)).toBe('0.00001');
    expect(decimalToMicroUsd('100.00')).toBe(100_000_000n);
    expect(decimalToMicroUsd('0.000001')).toBe(1n);
    expect(decimalToMicroUsd('1.2345678')).toBeNull();
    expect(decimalToMicroUsd('-1')).toBeNull();
  });

  it('creates the charge with the API key, version header and body Commerce expects, and stores it', async () => {
    const api = commerceRestApi({ apiUrl: commerce.url, apiKey: API_KEY });
    const payer = wallet(1);
    const charge = await createCommerceCharge(
      db,
      { kind: 'commerce', api },
      {
        programId: DEFAULT_PROGRAM_ID,
        wallet: payer.toLowerCase(),
        email: 'a@example.com',
        returnUrl: 'https://app.example/',
      },
    );
    const request = commerce.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/charges');
    expect(request.headers['x-cc-api-key']).toBe(API_KEY);
    expect(request.headers['x-cc-version']).toBe('2018-03-22');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      name: 'Default program',
      description: `SGE-ID for ${payer}`,
      pricing_type: 'fixed_price',
      local_price: { amount: '100.00', currency: 'USD' },
      metadata: { programId: DEFAULT_PROGRAM_ID, wallet: payer },
      redirect_url: 'https://app.example/?checkout_status=returned',
      cancel_url: 'https://app.example/?checkout_status=canceled',
    });
    expect(charge).toMatchObject({
      code: 'FAKE0001',
      hostedUrl: 'https://commerce.example/charges/FAKE0001',
      status: 'NEW',
      amount: '100000000',
      source: 'COMMERCE',
      wallet: payer,
      paid: false,
    });
    expect(charge.expiresAt).not.toBeNull();
    const row = await db
      .selectFrom('commerce_charges')
      .selectAll()
      .where('code', '=', 'FAKE0001')
      .executeTakeFirstOrThrow();
    expect(row.commerce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.email).toBe('a@example.com');
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE and stores nothing when Commerce refuses or is not configured', async () => {
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('commerce_charges')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const wrongKey = commerceRestApi({ apiUrl: commerce.url, apiKey: 'wrong' });
    const input = { programId: DEFAULT_PROGRAM_ID, wallet: wallet(2), returnUrl: 'https://app.example/' };
    const refused = await createCommerceCharge(db, { kind: 'commerce', api: wrongKey }, input).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(refused.message).toMatch(/HTTP 401: No such API key/);
    expect(refused.message).not.toContain('wrong');

    commerce.failNextWith(500);
    const api = commerceRestApi({ apiUrl: commerce.url, apiKey: API_KEY });
    await expect(createCommerceCharge(db, { kind: 'commerce', api }, input)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
    });
    const down = commerceRestApi({ apiUrl: 'http://127.0.0.1:1', apiKey: API_KEY });
    await expect(createCommerceCharge(db, { kind: 'commerce', api: down }, input)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
    });
    await expect(createCommerceCharge(db, { kind: 'commerce', api: null }, input)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
    });
    expect(await count()).toBe(before);
  });

  it('refreshes a stale charge from Commerce (bounded) and confirms a payment whose webhook never came', async () => {
    const api = commerceRestApi({ apiUrl: commerce.url, apiKey: API_KEY });
    const payer = wallet(3);
    const charge = await createCommerceCharge(
      db,
      { kind: 'commerce', api },
      { programId: DEFAULT_PROGRAM_ID, wallet: payer, returnUrl: 'https://app.example/' },
    );
    const gets = () => commerce.requests.filter((r) => r.method === 'GET').length;
    const now = new Date();
    commerce.timelineOf(charge.code, [
      { time: new Date(now.getTime() - 60_000).toISOString(), status: 'NEW' },
      { time: new Date(now.getTime() - 30_000).toISOString(), status: 'PENDING' },
    ]);
    const first = await refreshCommerceCharge(db, api, charge.code, now);
    expect(first?.charge.status).toBe('PENDING');
    expect(gets()).toBe(1);
    // Within CHARGE_REFRESH_AFTER_MS nothing is asked again, however many readers come.
    commerce.timelineOf(charge.code, [{ time: now.toISOString(), status: 'COMPLETED' }]);
    await Promise.all(
      [1, 2, 3].map(() => refreshCommerceCharge(db, api, charge.code, new Date(now.getTime() + 1_000))),
    );
    expect(gets()).toBe(1);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(false);

    const later = await refreshCommerceCharge(db, api, charge.code, new Date(now.getTime() + 31_000));
    expect(later?.payment?.created).toBe(true);
    expect(gets()).toBe(2);
    expect(await hasPaid(db, DEFAULT_PROGRAM_ID, payer)).toBe(true);
    const view = await getCommerceCharge(db, charge.code);
    expect(view).toMatchObject({ status: 'CONFIRMED', paid: true });
    expect(view!.history.map((h) => [h.status, h.cause])).toEqual([
      ['NEW', 'created'],
      ['PENDING', 'refresh'],
      ['CONFIRMED', 'refresh'],
    ]);
    // A final charge is never asked about again.
    expect(await refreshCommerceCharge(db, api, charge.code, new Date(now.getTime() + 3_600_000))).toBeNull();
    expect(gets()).toBe(2);
  });
});
