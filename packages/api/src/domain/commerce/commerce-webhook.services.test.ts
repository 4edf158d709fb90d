import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commerceDelivery } from '../../../test/support/commerce';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { verifyLedger } from '../ledger/verify-ledger';
import { commercePaymentKey } from './confirm-commerce-payment';
import { createCommerceCharge } from './create-commerce-charge';
import { processCommerceEvent } from './receive-commerce-webhook';

const DELIVERIES = 12;
const wallet = (n: number) => getAddress(`0x${(0xdead000 + n).toString(16).padStart(40, '0')}`);

/**
 * Exactly-once webhook processing on PostgreSQL, where concurrent deliveries really run in parallel on
 * separate connections: the event's primary key and row lock, not a check, make one of them apply it.
 */
describe('Commerce webhook on PostgreSQL', () => {
  let test: TTestDatabase;
  let db: TDb;
  let referrerId: string;
  let parentId: string;

  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: DELIVERIES + 2 });
    db = test.database.db;
    const parent = await db
      .insertInto('affiliates')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        wallet: wallet(900),
        code: 'PARENT',
        status: 'ACTIVE',
        depth: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const child = await db
      .insertInto('affiliates')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        wallet: wallet(901),
        code: 'CHILD',
        status: 'ACTIVE',
        parent_id: parent.id,
        depth: 2,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    parentId = parent.id;
    referrerId = child.id;
  }, 60_000);
  afterAll(async () => {
    await test?.cleanup();
  });

  const charge = (n: number) =>
    createCommerceCharge(
      db,
      { kind: 'mock', checkoutBaseUrl: 'http://127.0.0.1:3000' },
      { programId: DEFAULT_PROGRAM_ID, wallet: wallet(n), ref: 'child', returnUrl: 'http://localhost:5173/' },
    );

  it(`applies one event delivered ${DELIVERIES} times concurrently exactly once`, async () => {
    const { code } = await charge(1);
    const { envelope } = commerceDelivery({
      type: 'charge:confirmed',
      code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: wallet(1),
    });
    const outcomes = await Promise.all(
      Array.from({ length: DELIVERIES }, () => processCommerceEvent(db, structuredClone(envelope))),
    );
    expect(outcomes.filter((o) => o.outcome === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(DELIVERIES - 1);

    const settlements = await db
      .selectFrom('settlements as s')
      .innerJoin('intents as i', 'i.id', 's.intent_id')
      .select(['s.id', 's.amount'])
      .where('i.idempotency_key', '=', commercePaymentKey(DEFAULT_PROGRAM_ID, code))
      .execute();
    expect(settlements).toEqual([{ id: expect.any(String), amount: 100_000_000n }]);
    const commissions = await db
      .selectFrom('commissions')
      .select(['affiliate_id', 'amount'])
      .where('settlement_id', '=', settlements[0]!.id)
      .orderBy('level')
      .execute();
    expect(commissions).toEqual([
      { affiliate_id: referrerId, amount: 10_000_000n },
      { affiliate_id: parentId, amount: 5_000_000n },
    ]);
    const ledger = await db
      .selectFrom('ledger_transactions')
      .select('kind')
      .where('reference', 'in', [
        `settlement:${settlements[0]!.id}`,
        ...(
          await db
            .selectFrom('commissions')
            .select('id')
            .where('settlement_id', '=', settlements[0]!.id)
            .execute()
        ).map((c) => `commission:${c.id}`),
      ])
      .execute();
    expect(ledger.map((t) => t.kind).sort()).toEqual(['commission', 'commission', 'revenue']);
    const history = await db
      .selectFrom('commerce_charge_events')
      .select('status')
      .where('charge_code', '=', code)
      .execute();
    expect(history.map((h) => h.status)).toEqual(['NEW', 'CONFIRMED']);
    const event = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('id', '=', envelope.event.id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
  }, 60_000);

  it('applies different events of one charge arriving at once (pending, confirmed, resolved) with one payment', async () => {
    const { code } = await charge(2);
    const deliveries = ['charge:pending', 'charge:confirmed', 'charge:resolved', 'charge:confirmed'].map(
      (type) => commerceDelivery({ type, code, programId: DEFAULT_PROGRAM_ID, wallet: wallet(2) }).envelope,
    );
    const outcomes = await Promise.all(deliveries.map((envelope) => processCommerceEvent(db, envelope)));
    expect(outcomes.every((o) => o.outcome === 'processed')).toBe(true);
    const settlements = await db
      .selectFrom('settlements')
      .select('id')
      .where('provider_ref', '=', code)
      .execute();
    expect(settlements).toHaveLength(1);
    const charged = await db
      .selectFrom('commerce_charges')
      .select('status')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    expect(['CONFIRMED', 'RESOLVED']).toContain(charged.status);
    expect((await verifyLedger(db, DEFAULT_PROGRAM_ID)).balanced).toBe(true);
  }, 60_000);
});
