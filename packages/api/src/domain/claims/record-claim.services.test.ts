import { sql } from 'kysely';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../../test/support/postgres';
import { openDatabase, type TDatabase } from '../../db/client';
import { migrateToLatest } from '../../db/migrate';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { seedDemoAffiliates } from '../affiliates/seed-demo-affiliates';
import { AppError } from '../app-error';
import { recordRevenueSettlement } from '../commissions/record-revenue-settlement';
import { recordVerifiedClaim, type TVerifiedClaim } from './record-claim';

/**
 * Exactly-once recording of claims on a real PostgreSQL with a connection pool, so that concurrent
 * recorders really run at the same time (PGlite has one connection and would serialise them). The claims
 * are what verifyClaimTransaction returns; the chain is exercised by the unit tests on anvil.
 */

const FEE = 100_000_000n;
const AMOUNT_WEI = 1_000n * 10n ** 18n;

function claimOf(wallet: string, overrides: Partial<TVerifiedClaim> = {}): TVerifiedClaim {
  return {
    programId: DEFAULT_PROGRAM_ID,
    wallet: getAddress(wallet),
    token: 'USDC',
    tokenAddress: getAddress(`0x${'0a'.repeat(20)}`),
    fee: FEE,
    feeCharged: FEE,
    relay: null,
    amountWei: AMOUNT_WEI,
    claimContract: getAddress(`0x${'0c'.repeat(20)}`),
    treasury: getAddress(`0x${'0e'.repeat(20)}`),
    txHash: `0x${wallet.slice(2, 42).toLowerCase()}${'11'.repeat(12)}`,
    blockNumber: 100,
    blockHash: `0x${'22'.repeat(32)}`,
    logIndex: 3,
    blockTime: new Date('2026-01-02T03:04:05Z'),
    source: 'api',
    ...overrides,
  };
}

describe('recording claims on PostgreSQL', () => {
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  let database: TDatabase;

  beforeAll(async () => {
    postgres = await createTestPostgres();
    database = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 12 });
    await migrateToLatest(database.db);
    await seedDemoAffiliates(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await postgres?.drop();
  });

  const counts = async (wallet: string) => {
    const { db } = database;
    const n = async (query: Promise<{ n: string | number | bigint }>) => Number((await query).n);
    return {
      intents: await n(
        db
          .selectFrom('intents')
          .select(sql<string>`count(*)`.as('n'))
          .where('type', '=', 'CLAIM')
          .where('wallet', '=', wallet)
          .executeTakeFirstOrThrow(),
      ),
      settlements: await n(
        db
          .selectFrom('settlements')
          .select(sql<string>`count(*)`.as('n'))
          .where('kind', '=', 'CLAIM')
          .where('wallet', '=', wallet)
          .executeTakeFirstOrThrow(),
      ),
      commissions: await n(
        db
          .selectFrom('commissions as c')
          .innerJoin('settlements as s', 's.id', 'c.settlement_id')
          .select(sql<string>`count(*)`.as('n'))
          .where('s.wallet', '=', wallet)
          .executeTakeFirstOrThrow(),
      ),
      intentEvents: await n(
        db
          .selectFrom('intent_events as e')
          .innerJoin('intents as i', 'i.id', 'e.intent_id')
          .select(sql<string>`count(*)`.as('n'))
          .where('i.wallet', '=', wallet)
          .where('i.type', '=', 'CLAIM')
          .executeTakeFirstOrThrow(),
      ),
    };
  };

  it('records one claim once when eight recorders (API and watchers) race, with the referrer of a registration not yet minted', async () => {
    const { db } = database;
    const wallet = getAddress(`0x${'51'.repeat(20)}`);
    // Accepted registration referred by BETA, not minted yet: no users row exists.
    const beta = await db
      .selectFrom('affiliates')
      .select('id')
      .where('code', '=', 'BETA')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'REGISTER',
        idempotency_key: `register:${DEFAULT_PROGRAM_ID}:${wallet}`,
        wallet,
        payload: { affiliateId: beta.id },
      })
      .execute();

    const claim = claimOf(wallet);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        recordVerifiedClaim(db, { ...claim, source: i % 2 === 0 ? 'api' : 'watcher' }),
      ),
    );
    const results = outcomes.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.settlementId)).size).toBe(1);
    // One intent (PROCESSING → CONFIRMED recorded once), one settlement, BETA and ALPHA's commissions.
    expect(await counts(wallet)).toEqual({ intents: 1, settlements: 1, commissions: 2, intentEvents: 1 });
    const user = await db
      .selectFrom('users')
      .select(['claim_status', 'referred_by_affiliate_id'])
      .where('wallet', '=', wallet)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ claim_status: 'CLAIMED', referred_by_affiliate_id: beta.id });
  });

  it('refuses a second, different claim of the same wallet, and the same event in another program', async () => {
    const { db } = database;
    const wallet = getAddress(`0x${'52'.repeat(20)}`);
    const claim = claimOf(wallet);
    expect((await recordVerifiedClaim(db, claim)).created).toBe(true);

    const other = claimOf(wallet, { txHash: `0x${'33'.repeat(32)}`, logIndex: 0 });
    await expect(recordVerifiedClaim(db, other)).rejects.toMatchObject({ code: 'ALREADY_CLAIMED' });

    const program = await db
      .insertInto('programs')
      .values({ slug: 'second', name: 'Second' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const elsewhere = recordVerifiedClaim(db, { ...claim, programId: program.id });
    await expect(elsewhere).rejects.toBeInstanceOf(AppError);
    await expect(elsewhere).rejects.toMatchObject({ code: 'ALREADY_CLAIMED' });
    expect(await counts(wallet)).toEqual({ intents: 1, settlements: 1, commissions: 0, intentEvents: 1 });
  });

  it('refuses revenue of 0 that is not a free claim, and writes nothing', async () => {
    const { db } = database;
    const wallet = getAddress(`0x${'55'.repeat(20)}`);
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `commerce-test:${wallet}`,
        wallet,
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const zero = {
      programId: DEFAULT_PROGRAM_ID,
      intentId: intent.id,
      wallet,
      amount: 0n,
      currency: 'USD' as const,
      providerRef: 'CHARGE0',
    };
    await expect(recordRevenueSettlement(db, { ...zero, kind: 'COMMERCE_PAYMENT' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // A "claim" of 0 that hands out no SGE is not a claim either.
    await expect(recordRevenueSettlement(db, { ...zero, kind: 'CLAIM' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const written = await db
      .selectFrom('settlements')
      .select(sql<string>`count(*)`.as('n'))
      .where('intent_id', '=', intent.id)
      .executeTakeFirstOrThrow();
    expect(Number(written.n)).toBe(0);
  });

  it('refuses a CLAIM settlement without its on-chain facts, whatever the code does', async () => {
    const { db } = database;
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'CLAIM',
        idempotency_key: `claim:${DEFAULT_PROGRAM_ID}:${getAddress(`0x${'53'.repeat(20)}`)}`,
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto('settlements')
        .values({
          program_id: DEFAULT_PROGRAM_ID,
          intent_id: intent.id,
          kind: 'CLAIM',
          amount: FEE,
          currency: 'USDC',
        })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
