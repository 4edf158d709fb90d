import { sgeIdAbi } from '@sge/contracts';
import { ZRegisterResponse } from '@sge/shared';
import { sql } from 'kysely';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../../../test/support/platform';
import { spawnPlatformProcess } from '../../../test/support/processes';
import { startRealStack, type TRealStack } from '../../../test/support/real-chain';
import {
  signRegistration,
  type TSignedRegistration,
  testWalletAccount,
} from '../../../test/support/registration-proof';
import { openDatabase, type TDatabase } from '../../db/client';
import type { TPlatform } from '../../platform';

const wallet = (base: number, n: number) => testWalletAccount(base + n).address;
/** Each wallet's signed registration (issue 18), by address; one signature serves all its repeats. */
const proofs = new Map<string, TSignedRegistration>();
async function signAll(base: number, count: number) {
  for (let n = 0; n < count; n++) {
    const account = testWalletAccount(base + n);
    proofs.set(account.address, await signRegistration({ account }));
  }
}
const signedBody = (address: Address, wallet: string = address) =>
  JSON.stringify({ ...proofs.get(address)!, wallet });

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function countByStatus(database: TDatabase, wallets: Address[]) {
  const rows = await database.db
    .selectFrom('intents')
    .select(['status', sql<number>`count(*)::int8`.as('n')])
    .where('type', '=', 'REGISTER')
    .where('wallet', 'in', wallets)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

async function onChainSupply(stack: TRealStack) {
  const { publicClient } = await import('viem').then(({ createPublicClient, http }) => ({
    publicClient: createPublicClient({ transport: http(stack.anvil.rpcUrl) }),
  }));
  return {
    publicClient,
    supply: Number(
      await publicClient.readContract({
        address: stack.deployment.contracts.sgeId,
        abi: sgeIdAbi,
        functionName: 'totalSupply',
      }),
    ),
  };
}

const TUNING = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
  REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '1000',
  SWEEP_INTERVAL_MS: '500',
  RELAYER_POLL_INTERVAL_MS: '200',
};

describe('registration in Real mode (PostgreSQL, Redis, anvil)', () => {
  describe('duplicate storm', () => {
    let stack: TRealStack;
    let apis: TPlatform[];
    let worker: TPlatform;
    let database: TDatabase;

    beforeAll(async () => {
      stack = await startRealStack();
      const env = { ...stack.env, ...TUNING };
      apis = [
        await startTestPlatform({ ...env, PROCESS_ROLE: 'api' }),
        await startTestPlatform({ ...env, PROCESS_ROLE: 'api' }),
      ];
      worker = await startTestPlatform({ ...env, PROCESS_ROLE: 'worker' });
      database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    });
    afterAll(async () => {
      for (const platform of [...apis, worker]) await platform.stop();
      await database.close();
      await stack.stop();
    });

    it('1,000 concurrent requests for 100 wallets on two API replicas → 100 intents, 100 SGE-IDs, one intent per wallet', async () => {
      const wallets = Array.from({ length: 100 }, (_, i) => wallet(0xd00000, i));
      await signAll(0xd00000, 100);
      const requests = wallets.flatMap((address, w) =>
        Array.from({ length: 10 }, (_, k) => {
          // 4 plain, 3 each with a key of their own, 3 sharing one key: mixed with and without Idempotency-Key.
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (k >= 4 && k < 7) headers['idempotency-key'] = `storm-${w}-${k}`;
          if (k >= 7) headers['idempotency-key'] = `storm-${w}-shared`;
          const body = signedBody(address, k % 2 === 0 ? address : address.toLowerCase());
          // Shared keys must carry the same body to be a true repeat.
          const sameBody = signedBody(address);
          return { address, url: apis[(w + k) % 2]!.url!, headers, body: k >= 7 ? sameBody : body };
        }),
      );
      const responses = await Promise.all(
        requests.map(async (request) => {
          const response = await fetch(`${request.url}/api/register`, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
          });
          return { address: request.address, status: response.status, body: await response.json() };
        }),
      );
      const unexpected = responses.filter((r) => r.status !== 202 && r.status !== 200);
      expect(unexpected).toEqual([]);
      const intentByWallet = new Map<string, Set<string>>();
      for (const response of responses) {
        const parsed = ZRegisterResponse.parse(response.body);
        const set = intentByWallet.get(response.address) ?? new Set();
        set.add(parsed.intentId);
        intentByWallet.set(response.address, set);
      }
      expect([...intentByWallet.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(intentByWallet.size).toBe(100);

      const counts = await countByStatus(database, wallets);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
      await waitUntil(
        async () => (await countByStatus(database, wallets)).CONFIRMED === 100,
        90_000,
        '100 confirmed',
      );
      const { supply, publicClient } = await onChainSupply(stack);
      expect(supply).toBe(100);
      for (const address of wallets.filter((_, i) => i % 10 === 0)) {
        expect(
          await publicClient.readContract({
            address: stack.deployment.contracts.sgeId,
            abi: sgeIdAbi,
            functionName: 'balanceOf',
            args: [address],
          }),
        ).toBe(1n);
      }
    });
  });

  describe('a worker killed mid-batch', () => {
    let stack: TRealStack;
    let api: TPlatform;
    let database: TDatabase;

    beforeAll(async () => {
      stack = await startRealStack({ blockTimeSeconds: 1 });
      api = await startTestPlatform({ ...stack.env, ...TUNING, PROCESS_ROLE: 'api' });
      database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    });
    afterAll(async () => {
      await api.stop();
      await database.close();
      await stack.stop();
    });

    it('after SIGKILL and a restart, every intent is CONFIRMED exactly once and supply equals confirmations', async () => {
      const workerEnv = { ...stack.env, ...TUNING, MINT_BATCH_LEASE_SECONDS: '3', WORKER_CONCURRENCY: '2' };
      const first = await spawnPlatformProcess({ env: workerEnv, role: 'worker' });
      const wallets = Array.from({ length: 1200 }, (_, i) => wallet(0xe00000, i));
      await signAll(0xe00000, 1200);
      for (let i = 0; i < wallets.length; i += 200) {
        await Promise.all(
          wallets.slice(i, i + 200).map((address) =>
            fetch(`${api.url}/api/register`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: signedBody(address),
            }).then((response) => expect([200, 202]).toContain(response.status)),
          ),
        );
      }
      // Kill the worker once a mint transaction is out and not yet settled.
      await waitUntil(
        async () =>
          (await database.db.selectFrom('mint_batches').select('id').where('status', '=', 'SENT').execute())
            .length > 0,
        60_000,
        'a batch in flight',
      );
      await first.kill('SIGKILL');
      // The dead worker can change nothing now: a batch it was minting is still open, and work remains.
      const open = await database.db
        .selectFrom('mint_batches')
        .select('id')
        .where('status', 'in', ['CREATED', 'SENT'])
        .execute();
      expect(open.length).toBeGreaterThanOrEqual(1);
      expect((await countByStatus(database, wallets)).CONFIRMED ?? 0).toBeLessThan(wallets.length);

      const second = await spawnPlatformProcess({ env: workerEnv, role: 'worker' });
      try {
        await waitUntil(
          async () => (await countByStatus(database, wallets)).CONFIRMED === wallets.length,
          180_000,
          'all confirmed',
        );
      } finally {
        await second.stop();
      }

      const { supply } = await onChainSupply(stack);
      expect(supply).toBe(wallets.length);
      const settlements = await database.db
        .selectFrom('settlements')
        .select('intent_id')
        .where('kind', '=', 'REGISTER')
        .execute();
      expect(settlements).toHaveLength(wallets.length);
      const confirmations = await sql<{ n: number }>`
        SELECT count(*)::int8 AS n FROM intent_events WHERE to_status = 'CONFIRMED'`.execute(database.db);
      expect(confirmations.rows[0]!.n).toBe(wallets.length);
      // Each settled batch has exactly one relayer transaction; none was sent twice.
      const batches = await database.db
        .selectFrom('mint_batches')
        .select(['status', 'relayer_transaction_id'])
        .execute();
      const sentTx = batches.filter((b) => b.relayer_transaction_id).map((b) => b.relayer_transaction_id);
      expect(new Set(sentTx).size).toBe(sentTx.length);
      const mintTxs = await database.db
        .selectFrom('relayer_transactions')
        .select('id')
        .where('purpose', '=', 'mint_batch')
        .execute();
      expect(mintTxs.length).toBe(sentTx.length);
    });
  });
});
