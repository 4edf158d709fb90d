import { sgeClaimAbi, testUsdcAbi } from '@sge/contracts';
import { ZClaimRecordResponse } from '@sge/shared';
import { sql } from 'kysely';
import { createPublicClient, createWalletClient, getAddress, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../../../test/support/platform';
import { startRealStack, type TRealStack } from '../../../test/support/real-chain';
import { signRegistration } from '../../../test/support/registration-proof';
import { devPrivateKey } from '../../config';
import { openDatabase, type TDatabase } from '../../db/client';
import type { TPlatform } from '../../platform';

/**
 * Claims in Real mode (PostgreSQL, Redis, anvil with the deployed contracts): two worker processes watching
 * the same claim contract and an API replica recording the same claim at the same moment write it once.
 */

const FEE = 100_000_000n;

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('claims in Real mode with two watchers and an API', () => {
  let stack: TRealStack;
  let api: TPlatform;
  let workers: TPlatform[];
  let database: TDatabase;

  beforeAll(async () => {
    stack = await startRealStack();
    const env = {
      ...stack.env,
      SWEEP_INTERVAL_MS: '500',
      RELAYER_POLL_INTERVAL_MS: '200',
      CLAIM_WATCHER_INTERVAL_MS: '50',
    };
    api = await startTestPlatform({ ...env, PROCESS_ROLE: 'api' });
    workers = [
      await startTestPlatform({ ...env, PROCESS_ROLE: 'worker' }),
      await startTestPlatform({ ...env, PROCESS_ROLE: 'worker' }),
    ];
    database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
  });
  afterAll(async () => {
    for (const platform of [api, ...(workers ?? [])]) await platform?.stop();
    await database?.close();
    await stack?.stop();
  });

  it('records a claim made on the contract once, whoever sees it first', async () => {
    const account = privateKeyToAccount(devPrivateKey(6));
    const registered = await fetch(`${api.url}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signRegistration({ account })),
    });
    expect(registered.status).toBe(202);
    await waitUntil(
      async () =>
        (
          await database.db
            .selectFrom('users')
            .select('token_id')
            .where('wallet', '=', account.address)
            .executeTakeFirst()
        )?.token_id != null,
      90_000,
      'the SGE-ID mint',
    );

    const { contracts } = stack.deployment;
    const client = createWalletClient({ account, transport: http(stack.anvil.rpcUrl) });
    const reader = createPublicClient({ transport: http(stack.anvil.rpcUrl) });
    const send = async (hash: `0x${string}`) => {
      const receipt = await reader.waitForTransactionReceipt({ hash });
      expect(receipt.status).toBe('success');
      return receipt;
    };
    await send(
      await client.writeContract({
        chain: null,
        address: contracts.usdc,
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [account.address, FEE],
      }),
    );
    await send(
      await client.writeContract({
        chain: null,
        address: contracts.usdc,
        abi: testUsdcAbi,
        functionName: 'approve',
        args: [contracts.sgeClaim, FEE],
      }),
    );
    const claimHash = await client.writeContract({
      chain: null,
      address: contracts.sgeClaim,
      abi: sgeClaimAbi,
      functionName: 'claimWithUSDC',
    });
    await send(claimHash);

    // The API records it at the same moment as the two watchers (every 50 ms) find it.
    const recorded = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const response = await fetch(`${api.url}/api/claim/record`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ wallet: account.address, txHash: claimHash }),
        });
        return { status: response.status, body: ZClaimRecordResponse.parse(await response.json()) };
      }),
    );
    expect(recorded.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(recorded.map((r) => r.body.claim.settlementId)).size).toBe(1);

    // Give the watchers time to go over the block again.
    const cursorName = `claim-watcher:${stack.anvil.chainId}:${contracts.sgeClaim.toLowerCase()}`;
    const claimBlock = Number((await reader.getTransactionReceipt({ hash: claimHash })).blockNumber);
    await waitUntil(
      async () =>
        ((
          await database.db
            .selectFrom('chain_cursors')
            .select('block_number')
            .where('name', '=', cursorName)
            .executeTakeFirst()
        )?.block_number ?? -1) >= claimBlock,
      30_000,
      'the watchers passing the claim block',
    );
    const counts = await sql<{ settlements: number; intents: number; ledger: number }>`
      SELECT (SELECT count(*)::int FROM settlements WHERE kind = 'CLAIM' AND wallet = ${account.address}) AS settlements,
             (SELECT count(*)::int FROM intents WHERE type = 'CLAIM' AND wallet = ${account.address}) AS intents,
             (SELECT count(*)::int FROM ledger_transactions WHERE reference LIKE 'settlement:%'
                AND reference = 'settlement:' || (SELECT id FROM settlements WHERE kind = 'CLAIM' AND wallet = ${account.address})) AS ledger
    `.execute(database.db);
    expect(counts.rows[0]).toEqual({ settlements: 1, intents: 1, ledger: 1 });
    expect(getAddress(recorded[0]!.body.claim.wallet)).toBe(account.address);
  });
});
