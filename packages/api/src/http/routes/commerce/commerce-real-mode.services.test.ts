import { startAnvil, type TAnvil } from '@sge/contracts';
import { ZCommerceChargeView } from '@sge/shared';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commerceDelivery, postCommerceWebhook, startFakeCommerce } from '../../../../test/support/commerce';
import { apiClient } from '../../../../test/support/money-api';
import { startTestPlatform } from '../../../../test/support/platform';
import { createTestPostgres } from '../../../../test/support/postgres';
import { createTestRedisPrefix } from '../../../../test/support/redis';
import { devPrivateKey } from '../../../config';
import { openDatabase } from '../../../db/client';
import { migrateToLatest } from '../../../db/migrate';
import { DEFAULT_PROGRAM_ID } from '../../../db/migrations/0001-core-schema';
import type { TPlatform } from '../../../platform';

const API_KEY = 'real-mode-commerce-key';
const SECRET = 'real-mode-webhook-shared-secret';

/**
 * Commerce in Real mode through the whole process: COINBASE_COMMERCE_API_URL / _API_KEY /
 * _WEBHOOK_SHARED_SECRET from the environment, PostgreSQL, Redis, the HTTP API; Commerce itself is a local
 * server speaking its charges API. Concurrent redeliveries over HTTP on PostgreSQL apply once.
 */
describe('Commerce in Real mode (PostgreSQL, Redis, local Commerce API)', () => {
  let anvil: TAnvil;
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  const redis = createTestRedisPrefix();
  let commerce: Awaited<ReturnType<typeof startFakeCommerce>>;
  let platform: TPlatform;

  beforeAll(async () => {
    [anvil, postgres, commerce] = await Promise.all([
      startAnvil({ chainId: 31337 }),
      createTestPostgres(),
      startFakeCommerce(API_KEY),
    ]);
    const database = await openDatabase({ kind: 'postgres', url: postgres.url });
    await migrateToLatest(database.db);
    await database.close();
    platform = await startTestPlatform({
      MOCK_MODE: 'false',
      PROCESS_ROLE: 'api',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      RPC_URL: anvil.rpcUrl,
      RELAYER_PRIVATE_KEY: devPrivateKey(5),
      COINBASE_COMMERCE_API_URL: `${commerce.url}/`,
      COINBASE_COMMERCE_API_KEY: API_KEY,
      COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET: SECRET,
      APP_ORIGIN: 'https://app.example',
    });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await commerce?.close();
    await anvil?.stop();
    await postgres?.drop();
    await redis.cleanup();
  });

  it('creates a charge on Commerce, confirms it once from 5 concurrent signed deliveries, and refuses forgeries', async () => {
    const api = apiClient(platform.url!);
    const payer = getAddress('0x00000000000000000000000000000000000a11ce');
    const created = await api('POST', '/api/commerce/charge', { body: { wallet: payer } });
    expect(created.status).toBe(201);
    const charge = ZCommerceChargeView.parse(created.body);
    expect(charge).toMatchObject({
      source: 'COMMERCE',
      hostedUrl: expect.stringMatching(/^https:\/\/commerce\.example\//),
    });
    const sent = commerce.requests.find((r) => r.method === 'POST')!;
    expect(sent.headers['x-cc-api-key']).toBe(API_KEY);
    expect(sent.body).toMatchObject({ redirect_url: 'https://app.example/?checkout_status=returned' });
    // Real mode has no simulated checkout.
    expect((await fetch(`${platform.url}/api/commerce/checkout/${charge.code}`)).status).toBe(404);

    const { body } = commerceDelivery({
      type: 'charge:confirmed',
      code: charge.code,
      programId: DEFAULT_PROGRAM_ID,
      wallet: payer,
    });
    expect(
      (await postCommerceWebhook(platform.url!, body, { secret: 'mock-commerce-webhook-secret' })).status,
    ).toBe(400);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postCommerceWebhook(platform.url!, body, { secret: SECRET })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((r) => (r.json as { outcome: string }).outcome === 'processed')).toHaveLength(1);

    const db = platform.runtime.database.db;
    expect(
      await db.selectFrom('settlements').select('id').where('provider_ref', '=', charge.code).execute(),
    ).toHaveLength(1);
    const view = ZCommerceChargeView.parse((await api('GET', `/api/commerce/charge/${charge.code}`)).body);
    expect(view).toMatchObject({ status: 'CONFIRMED', paid: true });
    // A confirmed charge is final: reading it does not call Commerce.
    expect(commerce.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  }, 60_000);
});
