import { testUsdcAbi } from '@sge/contracts';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { matureCommissions } from '../../domain/commissions/mature-commissions';
import { recordRevenueSettlement } from '../../domain/commissions/record-revenue-settlement';
import type { TPlatform } from '../../platform';

describe('payouts executed by a worker through the relayer (Mock mode)', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  const alice = { 'x-admin-key': 'alice-key-0123456789', 'content-type': 'application/json' };
  const bob = { 'x-admin-key': 'bob-key-0123456789', 'content-type': 'application/json' };

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      ADMIN_API_KEYS: 'alice:alice-key-0123456789,bob:bob-key-0123456789',
      RELAYER_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '500',
    });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('pays an approved batch on-chain in one relayer transaction and records it once', async () => {
    const { db } = platform.runtime.database;
    await db
      .updateTable('programs')
      .set({ hold_period_seconds: 0, min_payout_micro_usd: 1n })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    const alpha = await db
      .selectFrom('affiliates')
      .selectAll()
      .where('code', '=', 'ALPHA')
      .executeTakeFirstOrThrow();
    const beta = await db
      .selectFrom('affiliates')
      .selectAll()
      .where('code', '=', 'BETA')
      .executeTakeFirstOrThrow();
    // A user referred by BETA pays 100 USD: BETA earns 10 % (level 1), ALPHA 5 % (level 2).
    const wallet = getAddress(`0x${'77'.repeat(20)}`);
    await db
      .insertInto('users')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet, referred_by_affiliate_id: beta.id })
      .execute();
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: 'commerce:test:1',
        wallet,
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.transaction().execute((tx) =>
      recordRevenueSettlement(tx, {
        programId: DEFAULT_PROGRAM_ID,
        intentId: intent.id,
        kind: 'COMMERCE_PAYMENT',
        wallet,
        amount: 100_000_000n,
        currency: 'USD',
      }),
    );
    await matureCommissions(db, new Date(Date.now() + 1_000));

    const url = platform.url!;
    const created = await fetch(`${url}/api/admin/payout-batches`, {
      method: 'POST',
      headers: alice,
      body: '{}',
    });
    expect(created.status).toBe(201);
    const batch = await created.json();
    expect(
      (
        await fetch(`${url}/api/admin/payout-batches/${batch.id}/approve`, {
          method: 'POST',
          headers: alice,
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await fetch(`${url}/api/admin/payout-batches/${batch.id}/approve`, {
          method: 'POST',
          headers: bob,
          body: '{}',
        })
      ).status,
    ).toBe(200);
    const executing = await fetch(`${url}/api/admin/payout-batches/${batch.id}/execute`, {
      method: 'POST',
      headers: alice,
      body: '{}',
    });
    expect(executing.status).toBe(202);

    let detail: { status: string; txHash: string | null } = { status: '', txHash: null };
    const deadline = Date.now() + 30_000;
    while (detail.status !== 'COMPLETED') {
      if (Date.now() > deadline) throw new Error(`batch not completed: ${detail.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      detail = await (await fetch(`${url}/api/admin/payout-batches/${batch.id}`, { headers: alice })).json();
    }
    const { publicClient } = platform.runtime.chain;
    const usdc = platform.runtime.contracts.usdc!;
    const balanceOf = (address: string) =>
      publicClient.readContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'balanceOf',
        args: [getAddress(address)],
      });
    expect(await balanceOf(beta.wallet)).toBe(10_000_000n);
    expect(await balanceOf(alpha.wallet)).toBe(5_000_000n);
    const receipt = await publicClient.getTransactionReceipt({ hash: detail.txHash as `0x${string}` });
    expect(receipt.from.toLowerCase()).toBe(platform.runtime.chain.relayer.address.toLowerCase());
    const payoutTxs = await db
      .selectFrom('relayer_transactions')
      .select('id')
      .where('purpose', '=', 'payout_batch')
      .execute();
    expect(payoutTxs).toHaveLength(1);
  });
});
