import { startAnvil, type TAnvil } from '@sge/contracts';
import { createTestClient, http, parseGwei } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestRelayer } from '../../test/support/relayer';
import { startTcpProxy } from '../../test/support/tcp-proxy';
import { devPrivateKey } from '../config';
import { openDatabase, type TDatabase } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { RelayerError, relayerGasLimitMax } from './relayer';

const recipient = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, '0')}` as const;

describe('relayer against anvil', () => {
  let database: TDatabase;
  let anvil: TAnvil;
  const key = devPrivateKey(3);
  const relayerAddress = privateKeyToAccount(key).address;

  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database.close();
  });
  afterEach(async () => {
    await anvil?.stop();
    await database.db.deleteFrom('relayer_attempts').execute();
    await database.db.deleteFrom('relayer_transactions').execute();
    await database.db.deleteFrom('relayer_accounts').execute();
  });

  it('records a transaction before broadcasting it, confirms it, and sends a reference only once', async () => {
    anvil = await startAnvil();
    const { relayer, chain } = await createTestRelayer({
      db: database.db,
      rpcUrl: anvil.rpcUrl,
      privateKey: key,
    });
    const request = {
      purpose: 'mint_batch' as const,
      reference: 'transfer:1',
      to: recipient(1),
      valueWei: 7n,
      gasLimit: 21_000n,
    };
    const sent = await relayer.send(request);
    expect(sent.nonce).toBe(0);
    const final = await relayer.waitForFinal(sent.id, 30_000);
    expect(final.status).toBe('CONFIRMED');
    const [attempt] = await database.db
      .selectFrom('relayer_attempts')
      .selectAll()
      .where('transaction_id', '=', sent.id)
      .execute();
    expect(final.mined_hash).toBe(attempt!.tx_hash);
    expect(final.gas_used).toBe(21_000n);

    const again = await relayer.send(request);
    expect(again.id).toBe(sent.id);
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(1);
    expect(await chain.publicClient.getBalance({ address: recipient(1) })).toBe(7n);
  });

  it('broadcasts the recorded bytes exactly once after a crash between recording and broadcasting', async () => {
    anvil = await startAnvil();
    const first = await createTestRelayer({ db: database.db, rpcUrl: anvil.rpcUrl, privateKey: key });
    const fees = { maxFeePerGas: parseGwei('10'), maxPriorityFeePerGas: 0n };
    // The process records the transaction, then dies before broadcasting it.
    const recorded = await first.relayer.record(
      { purpose: 'mint_batch', reference: 'crash:1', to: recipient(2), valueWei: 5n },
      21_000n,
      fees,
    );
    expect(recorded.status).toBe('SIGNED');
    expect(
      await first.chain.publicClient.getTransactionCount({ address: relayerAddress, blockTag: 'pending' }),
    ).toBe(0);

    // A restarted process finds it and broadcasts the same signed bytes.
    const restarted = await createTestRelayer({ db: database.db, rpcUrl: anvil.rpcUrl, privateKey: key });
    const final = await restarted.relayer.waitForFinal(recorded.id, 30_000);
    expect(final.status).toBe('CONFIRMED');
    const attempts = await database.db
      .selectFrom('relayer_attempts')
      .selectAll()
      .where('transaction_id', '=', recorded.id)
      .execute();
    expect(attempts).toHaveLength(1);
    expect(final.mined_hash).toBe(attempts[0]!.tx_hash);
    // More passes, a late "send" of the same reference: nothing new on chain.
    await restarted.relayer.monitor();
    await restarted.relayer.send({
      purpose: 'mint_batch',
      reference: 'crash:1',
      to: recipient(2),
      valueWei: 5n,
      gasLimit: 21_000n,
    });
    expect(await restarted.chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(1);
    expect(await restarted.chain.publicClient.getBalance({ address: recipient(2) })).toBe(5n);
  });

  it('replaces a transaction stranded below the base fee with a higher fee on the same nonce', async () => {
    anvil = await startAnvil({ extraArgs: ['--no-mining'] });
    const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
    const { relayer, chain } = await createTestRelayer({
      db: database.db,
      rpcUrl: anvil.rpcUrl,
      privateKey: key,
      settings: { replaceAfterMs: 300 },
    });
    const sent = await relayer.send({
      purpose: 'mint_batch',
      reference: 'stuck:1',
      to: recipient(3),
      valueWei: 1n,
      gasLimit: 21_000n,
    });
    const [firstAttempt] = await database.db
      .selectFrom('relayer_attempts')
      .selectAll()
      .where('transaction_id', '=', sent.id)
      .execute();
    // The base fee spikes above what the transaction offers: the next block cannot include it.
    const spikeWei = firstAttempt!.max_fee_per_gas_wei * 4n;
    await testClient.setNextBlockBaseFeePerGas({ baseFeePerGas: spikeWei });
    await testClient.mine({ blocks: 1 });
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(0);

    // The monitor replaces it (after replaceAfterMs) with fees above the new base fee; then a block includes it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const pass = await relayer.monitor();
    expect(pass.replaced).toBe(1);
    await testClient.mine({ blocks: 1 });
    const final = await relayer.waitForFinal(sent.id, 30_000);
    expect(final.status).toBe('CONFIRMED');
    const attempts = await database.db
      .selectFrom('relayer_attempts')
      .selectAll()
      .where('transaction_id', '=', sent.id)
      .orderBy('id')
      .execute();
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(final.mined_hash).toBe(attempts.at(-1)!.tx_hash);
    expect(final.mined_hash).not.toBe(firstAttempt!.tx_hash);
    expect(attempts.at(-1)!.max_fee_per_gas_wei).toBeGreaterThan(spikeWei);
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(1);
    expect(await chain.publicClient.getBalance({ address: recipient(3) })).toBe(1n);
  });

  it('finishes through RPC_BACKUP_URL when the primary RPC dies mid-run, losing nothing', async () => {
    anvil = await startAnvil();
    const proxy = await startTcpProxy(anvil.port);
    const { relayer, chain } = await createTestRelayer({
      db: database.db,
      rpcUrl: proxy.url('http'),
      rpcBackupUrl: anvil.rpcUrl,
      privateKey: key,
    });
    const total = 30;
    const sent: string[] = [];
    for (let i = 0; i < total; i++) {
      if (i === 12) proxy.cut();
      const tx = await relayer.send({
        purpose: 'mint_batch',
        reference: `failover:${i}`,
        to: recipient(100 + i),
        valueWei: 1n,
        gasLimit: 21_000n,
      });
      sent.push(tx.id);
    }
    for (const id of sent) expect((await relayer.waitForFinal(id, 30_000)).status).toBe('CONFIRMED');
    expect(chain.lastEndpoint()).toBe('backup');
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(total);
    const nonces = (
      await database.db.selectFrom('relayer_transactions').select('nonce').orderBy('nonce').execute()
    ).map((r) => r.nonce);
    expect(nonces).toEqual([...Array(total).keys()]);
    for (let i = 0; i < total; i++)
      expect(await chain.publicClient.getBalance({ address: recipient(100 + i) })).toBe(1n);
    await proxy.close();
  });

  it('stops asking a hung primary RPC after a few timeouts and carries on through the backup (circuit breaker)', async () => {
    anvil = await startAnvil();
    const proxy = await startTcpProxy(anvil.port);
    const { relayer, chain } = await createTestRelayer({
      db: database.db,
      rpcUrl: proxy.url('http'),
      rpcBackupUrl: anvil.rpcUrl,
      privateKey: key,
      timeoutMs: 300,
    });
    await relayer.send({
      purpose: 'mint_batch',
      reference: 'hung:warmup',
      to: recipient(200),
      valueWei: 1n,
      gasLimit: 21_000n,
    });
    proxy.blackhole();
    const before = proxy.connections();
    for (let i = 0; i < 20; i++) {
      const tx = await relayer.send({
        purpose: 'mint_batch',
        reference: `hung:${i}`,
        to: recipient(201 + i),
        valueWei: 1n,
        gasLimit: 21_000n,
      });
      expect((await relayer.waitForFinal(tx.id, 30_000)).status).toBe('CONFIRMED');
    }
    expect(chain.circuits().primary?.state).toBe('open');
    // Dozens of RPC calls went to the backup; the hung primary was tried only until its circuit opened.
    expect(proxy.connections() - before).toBeLessThanOrEqual(6);
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(21);
    await proxy.close();
  });

  it('cancels a transaction the node refuses, so the nonces after it are not blocked', async () => {
    anvil = await startAnvil();
    const { relayer, chain } = await createTestRelayer({
      db: database.db,
      rpcUrl: anvil.rpcUrl,
      privateKey: key,
    });
    // 1,000 gas is below the intrinsic 21,000 of any transaction: every node refuses it.
    const refused = await relayer.send({
      purpose: 'mint_batch',
      reference: 'refused:1',
      to: recipient(4),
      valueWei: 1n,
      gasLimit: 1_000n,
    });
    const next = await relayer.send({
      purpose: 'mint_batch',
      reference: 'after-refused:1',
      to: recipient(5),
      valueWei: 1n,
      gasLimit: 21_000n,
    });
    expect((await relayer.waitForFinal(refused.id, 30_000)).status).toBe('CANCELLED');
    expect((await relayer.waitForFinal(next.id, 30_000)).status).toBe('CONFIRMED');
    expect(await chain.publicClient.getBalance({ address: recipient(4) })).toBe(0n);
    expect(await chain.publicClient.getBalance({ address: recipient(5) })).toBe(1n);
    expect(await chain.publicClient.getTransactionCount({ address: relayerAddress })).toBe(2);
  });

  it('refuses to send below the minimum balance and records nothing', async () => {
    anvil = await startAnvil();
    const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
    await testClient.setBalance({ address: relayerAddress, value: 1_000n });
    const { relayer } = await createTestRelayer({ db: database.db, rpcUrl: anvil.rpcUrl, privateKey: key });
    const error = await relayer
      .send({ purpose: 'mint_batch', reference: 'poor:1', to: recipient(6), valueWei: 1n, gasLimit: 21_000n })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayerError);
    expect((error as RelayerError).kind).toBe('BALANCE_TOO_LOW');
    expect(await database.db.selectFrom('relayer_transactions').selectAll().execute()).toHaveLength(0);
  });
  it('sends only to the known contracts, and never more gas than its purpose may use; nothing is recorded', async () => {
    anvil = await startAnvil();
    const known = recipient(7);
    const { relayer } = await createTestRelayer({
      db: database.db,
      rpcUrl: anvil.rpcUrl,
      privateKey: key,
      allowedTargets: [known],
    });
    const elsewhere = await relayer
      .send({ purpose: 'mint_batch', reference: 'target:1', to: recipient(8), gasLimit: 21_000n })
      .catch((caught: unknown) => caught);
    expect(elsewhere).toMatchObject({ kind: 'TARGET_NOT_ALLOWED' });
    // A mint of 2 SGE-IDs may use 80,000 + 2 × 40,000 gas; a contract that asks for more is not called.
    expect(relayerGasLimitMax('mint_batch', 2)).toBe(160_000n);
    const greedy = await relayer
      .send({ purpose: 'mint_batch', items: 2, reference: 'gas:1', to: known, gasLimit: 160_001n })
      .catch((caught: unknown) => caught);
    expect(greedy).toMatchObject({ kind: 'GAS_ABOVE_CAP' });
    expect(await database.db.selectFrom('relayer_transactions').selectAll().execute()).toHaveLength(0);
    const within = await relayer.send({
      purpose: 'mint_batch',
      items: 2,
      reference: 'gas:2',
      to: known,
      gasLimit: 160_000n,
    });
    expect(within.gas_limit).toBe(160_000n);
  });
});
