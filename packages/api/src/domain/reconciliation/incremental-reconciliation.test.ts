import { sgeIdAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { type Address, createPublicClient, type Hex, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertSettlement,
  reconciliationContext,
  startReconciliationChain,
  type TReconciliationChain,
} from '../../../test/support/reconciliation-fixtures';
import { startRpcCounter, type TRpcCounter } from '../../../test/support/rpc-counter';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { MemoryQueue } from '../../queue';
import type { TReconciliationContext } from './check-context';
import { checkSettlementsOnChain } from './check-settlements-on-chain';
import { performQueuedRun } from './perform-queued-run';
import { getReconciliationRun } from './reconciliation-runs';
import { RECONCILIATION_QUEUE, requestReconciliationRun } from './request-reconciliation-run';
import { startReconciliationRun } from './run-reconciliation';

const WALLETS_PER_MINT = 40;
const ADMIN = { actor: 'alice', requestId: null };

/**
 * Incremental reconciliation (issue 22 §3) against real mints on anvil, through a counting RPC proxy: a mint's
 * receipt is fetched and decoded once for all its settlements, the watermark moves so a second run reads only
 * the new rows, the re-check window catches a recent row changed since, a full re-check reads everything with
 * progress, and a requested run waits in the queue until a worker performs it.
 */
describe('incremental reconciliation', () => {
  let chain: TReconciliationChain;
  let test: TTestDatabase;
  let counter: TRpcCounter;

  const context = (overrides: Partial<TReconciliationContext> = {}) =>
    reconciliationContext(test.database.db, chain, {
      publicClient: createPublicClient({ transport: http(counter.url) }) as never,
      recheckBlocks: 1,
      ...overrides,
    });

  /** One mintBatch transaction for `count` fresh wallets, and a REGISTER settlement per wallet. */
  const mintAndRecord = async (count: number): Promise<{ hash: Hex; ids: string[]; wallets: Address[] }> => {
    const wallets = Array.from({ length: count }, () => privateKeyToAccount(generatePrivateKey()).address);
    const hash = await chain.relayerWallet.writeContract({
      address: chain.deployment.contracts.sgeId,
      abi: sgeIdAbi,
      functionName: 'mintBatch',
      args: [wallets],
      chain: null,
      account: chain.relayer,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const ids: string[] = [];
    for (const wallet of wallets) {
      ids.push(
        await insertSettlement(test.database.db, {
          kind: 'REGISTER',
          wallet,
          txHash: hash,
          blockNumber: Number(receipt.blockNumber),
          blockHash: receipt.blockHash,
          amount: 1n,
          currency: 'ETH',
          details: { tokenId: BigInt(wallet).toString() },
        }),
      );
    }
    // Move the chain on, so these settlements leave the (1-block) reorg window.
    await chain.testClient.mine({ blocks: 3 });
    return { hash, ids, wallets };
  };

  const backdate = async (ids: string[], hours: number) => {
    await sql`UPDATE settlements SET created_at = created_at - make_interval(hours => ${hours})
               WHERE id = ANY(${ids}::uuid[])`.execute(test.database.db);
  };

  let first: Awaited<ReturnType<typeof mintAndRecord>>;

  beforeAll(async () => {
    chain = await startReconciliationChain();
    counter = await startRpcCounter(chain.anvil.rpcUrl);
    test = await openTestPglite();
  });
  afterAll(async () => {
    await test?.cleanup();
    await counter?.close();
    await chain?.stop();
  });

  it('decodes a mint receipt once for all the settlements of its transaction', async () => {
    first = await mintAndRecord(WALLETS_PER_MINT);
    counter.reset();
    const outcome = await checkSettlementsOnChain.run(context());
    expect(outcome.findings.count).toBe(0);
    expect(outcome.figures).toMatchObject({
      checkedSettlements: WALLETS_PER_MINT,
      checkedTransactions: 1,
      receiptsDecoded: 1,
      newSettlements: WALLETS_PER_MINT,
    });
    expect(counter.byMethod().eth_getTransactionReceipt).toBe(1);
    const verified = await test.database.db
      .selectFrom('settlements')
      .select('id')
      .where('id', 'in', first.ids)
      .where('verified_at', 'is not', null)
      .execute();
    expect(verified).toHaveLength(WALLETS_PER_MINT);
  });

  it('moves the watermark, so the next run reads only the settlements recorded since', async () => {
    await backdate(first.ids, 3); // older than the re-check window (60 minutes)
    const second = await mintAndRecord(5);
    counter.reset();
    const outcome = await checkSettlementsOnChain.run(context());
    expect(outcome.findings.count).toBe(0);
    expect(outcome.figures).toMatchObject({
      newSettlements: 5,
      checkedSettlements: 5,
      checkedTransactions: 1,
      receiptsDecoded: 1,
    });
    expect(counter.byMethod().eth_getTransactionReceipt).toBe(1);
    const mark = await test.database.db
      .selectFrom('reconciliation_watermarks')
      .select('position')
      .where('check_name', '=', 'settlements_on_chain')
      .executeTakeFirstOrThrow();
    expect((mark.position as { id: string }).id).toBe(second.ids[4]);
    const again = await checkSettlementsOnChain.run(context());
    expect(again.figures).toMatchObject({ newSettlements: 0 });
  });

  it('re-checks the recent rows of the window and finds one changed since; a full re-check finds an old one', async () => {
    const recent = await mintAndRecord(3);
    await checkSettlementsOnChain.run(context());
    for (const id of [recent.ids[0]!, first.ids[0]!]) {
      const stranger = privateKeyToAccount(generatePrivateKey()).address;
      await test.database.db
        .updateTable('settlements')
        .set({ wallet: stranger })
        .where('id', '=', id)
        .execute();
    }
    const incremental = await checkSettlementsOnChain.run(context());
    const flagged = incremental.findings.items.map((finding) => finding.details.settlementId);
    expect(flagged).toEqual([recent.ids[0]]);
    expect(incremental.findings.items[0]).toMatchObject({ kind: 'WRONG_RECIPIENT' });
    expect(incremental.figures).toMatchObject({ newSettlements: 0 });

    const progress: [number, number | null][] = [];
    const claimed = await startReconciliationRun(context(), {
      trigger: 'MANUAL',
      slot: null,
      requestedBy: 'alice',
      checks: ['settlements_on_chain'],
      mode: 'FULL',
    });
    const full = await checkSettlementsOnChain.run(
      context({
        run: { id: claimed!.id, mode: 'FULL', progress: async (c, t) => void progress.push([c, t]) },
      }),
    );
    await test.database.db
      .updateTable('reconciliation_runs')
      .set({ status: 'OK', finished_at: new Date() })
      .where('id', '=', claimed!.id)
      .execute();
    const total = WALLETS_PER_MINT + 5 + 3;
    expect(full.figures).toMatchObject({ checkedSettlements: total, receiptsDecoded: 3, mode: 'FULL' });
    expect(full.findings.items.map((finding) => finding.details.settlementId).sort()).toEqual(
      [recent.ids[0], first.ids[0]].sort(),
    );
    expect(progress.at(-1)).toEqual([total, total]);
  });

  it('leaves a requested run waiting in the queue, checking nothing, until a worker performs it', async () => {
    const queue = new MemoryQueue();
    const api = context({ queue });
    await mintAndRecord(2);
    counter.reset();
    const { id } = await requestReconciliationRun(api, ADMIN, {
      checks: ['settlements_on_chain', 'ledger'],
      mode: 'FULL',
    });
    expect(await queue.depth()).toEqual({ [RECONCILIATION_QUEUE]: 1 });
    const waiting = await getReconciliationRun(test.database.db, id);
    expect(waiting).toMatchObject({
      status: 'RUNNING',
      mode: 'FULL',
      pickedBy: null,
      progress: null,
      checks: [],
    });
    expect(counter.byMethod().eth_getTransactionReceipt).toBeUndefined();

    // A worker takes the job: it performs the run once (a second delivery is skipped).
    const done = new Promise<string[]>((resolve) => {
      const outcomes: string[] = [];
      queue.process(
        RECONCILIATION_QUEUE,
        async (data) => {
          outcomes.push(await performQueuedRun(context(), String(data.runId), 'worker-1'));
          resolve(outcomes);
        },
        { concurrency: 1 },
      );
    });
    expect(await done).toEqual(['performed']);
    expect(await performQueuedRun(context(), id, 'worker-2')).toBe('skipped');
    const finished = await getReconciliationRun(test.database.db, id);
    expect(finished.status).not.toBe('RUNNING');
    expect(finished.pickedBy).toBe('worker-1');
    expect(finished.checks.map((check) => check.name)).toEqual(['ledger', 'settlements_on_chain']);
    expect(finished.progress?.check).toBe('settlements_on_chain');
    expect(counter.byMethod().eth_getTransactionReceipt).toBe(4);
  });
});
