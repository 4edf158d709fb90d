import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAnvil, type TAnvil } from '@sge/contracts';
import { ARBITRUM_NODE_INTERFACE_ADDRESS } from '@sge/shared';
import { decodeFunctionData, encodeFunctionResult, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  installGasPriceOracleStandIn,
  l1FeeOfRawTransaction,
  startOpReceiptsProxy,
} from '../../test/support/op-stack';
import { createTestRelayer } from '../../test/support/relayer';
import { devPrivateKey } from '../config';
import { openDatabase, type TDatabase } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { databaseGaugeSource } from '../domain/monitoring/database-gauge-source';
import {
  checkRelayerFunds,
  L1_FEE_SAMPLE_WALLETS,
  MINT_GAS_PER_WALLET_ESTIMATE,
} from '../domain/relayer/check-relayer-funds';
import { createMetrics } from '../metrics/metrics';
import { connectChain } from './chain-connection';
import { estimateL1CostWei, nodeInterfaceAbi, relayerTransactionCostWei } from './l1-fees';

/** The GasPriceOracle stand-in's price: 1,000 gwei per byte of the priced transaction (see test/support/op-stack). */
const WEI_PER_BYTE = 1_000_000_000_000n;
const OP_MAINNET_CHAIN_ID = 10;
const ARBITRUM_ONE_CHAIN_ID = 42_161;
const key = devPrivateKey(3);
const relayerAddress = privateKeyToAccount(key).address;

const fundsOf = (chain: Awaited<ReturnType<typeof connectChain>>) =>
  checkRelayerFunds({
    publicClient: chain.publicClient,
    chainId: chain.chainId,
    feeModel: chain.network.feeModel,
    relayerAddress,
    sgeIdAddress: null,
    priorityFeeWei: 0n,
    balanceWarningWei: 0n,
    balanceCriticalWei: 0n,
    countPendingTransactions: async () => 0,
  });

describe('L1 data fees on an OP-stack anvil (anvil --network optimism, OP Mainnet chain id)', () => {
  let anvil: TAnvil;
  let database: TDatabase;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: OP_MAINNET_CHAIN_ID, network: 'optimism' });
    await installGasPriceOracleStandIn(anvil.rpcUrl, WEI_PER_BYTE);
    database = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await anvil?.stop();
  });

  it("the relayer's reported cost per mint includes the L1 data fee, more than the L2 execution alone", async () => {
    const chain = await connectChain({ rpcUrl: anvil.rpcUrl, timeoutMs: 5_000, relayerPrivateKey: key });
    expect(chain.network).toMatchObject({ name: 'OP Mainnet', feeModel: 'op-stack' });
    const funds = await fundsOf(chain);
    expect(funds.feeModel).toBe('op-stack');
    expect(funds.executionCostPerMintWei).toBe(MINT_GAS_PER_WALLET_ESTIMATE * funds.nextBaseFeeWei);
    expect(funds.executionCostPerMintWei).toBeGreaterThan(0n);
    // Each SGE-ID adds a 32-byte word of calldata; the batch's envelope is shared by the sample's wallets.
    expect(funds.l1FeePerMintWei).toBeGreaterThanOrEqual(32n * WEI_PER_BYTE);
    expect(funds.l1FeePerMintWei).toBeLessThan(40n * WEI_PER_BYTE);
    expect(funds.costPerMintWei).toBe(funds.executionCostPerMintWei + funds.l1FeePerMintWei);
    expect(funds.costPerMintWei).toBeGreaterThan(funds.executionCostPerMintWei);
    expect(funds.mintsRemaining).toBe(funds.balanceWei / funds.costPerMintWei);
    expect(L1_FEE_SAMPLE_WALLETS).toBe(100);
  });

  it('the relayer books the L1 data fee of each receipt, and the fee metrics count it', async () => {
    const proxy = await startOpReceiptsProxy(anvil.rpcUrl);
    try {
      const { relayer, chain } = await createTestRelayer({
        db: database.db,
        rpcUrl: proxy.url,
        privateKey: key,
      });
      expect(chain.network.feeModel).toBe('op-stack');
      const sent = await relayer.send({
        purpose: 'mint_batch',
        reference: 'op-stack:1',
        to: `0x${'12'.repeat(20)}`,
        data: `0x${'ab'.repeat(300)}`,
        gasLimit: 60_000n,
      });
      const final = await relayer.waitForFinal(sent.id, 30_000);
      expect(final.status).toBe('CONFIRMED');
      const raw = (await chain.publicClient.request({
        method: 'eth_getRawTransactionByHash' as never,
        params: [final.mined_hash] as never,
      })) as Hex;
      const l1FeeWei = await l1FeeOfRawTransaction(anvil.rpcUrl, raw);
      expect(l1FeeWei).toBeGreaterThan(300n * WEI_PER_BYTE);
      expect(final.l1_fee_wei).toBe(l1FeeWei);
      const executionWei = final.gas_used! * final.effective_gas_price_wei!;
      expect(relayerTransactionCostWei(final)).toBe(executionWei + l1FeeWei);

      const metrics = createMetrics({
        relayerBalanceWei: async () => null,
        queueDepths: async () => ({}),
        database: databaseGaugeSource(database.db, { intentTimeoutMinutes: 10 }),
      });
      const text = await metrics.registry.metrics();
      const value = (component: string) =>
        Number(
          text.match(
            new RegExp(`^sge_relayer_fees_paid_eth\\{component="${component}"\\} (\\S+)$`, 'm'),
          )?.[1],
        );
      expect(value('l1_data')).toBeCloseTo(Number(l1FeeWei) / 1e18, 12);
      expect(value('l2_execution')).toBeCloseTo(Number(executionWei) / 1e18, 12);
    } finally {
      await proxy.close();
    }
  });
});

describe("Arbitrum's L1 component through NodeInterface (a JSON-RPC stand-in in front of anvil)", () => {
  let anvil: TAnvil;
  let server: Server;
  let url: string;
  const gasEstimateForL1 = 123_456n;
  const l2BaseFeeWei = 10_000_000n; // 0.01 gwei, Arbitrum One's usual floor
  const calls: Array<readonly [Hex, boolean, Hex]> = [];

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: ARBITRUM_ONE_CHAIN_ID });
    // Arbitrum's nodes answer eth_call to the virtual NodeInterface at 0x…C8; everything else goes to anvil.
    server = createServer((request, reply) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = Buffer.concat(chunks).toString();
        const message = JSON.parse(body) as {
          id: number;
          method: string;
          params: [{ to?: string; data?: Hex }];
        };
        if (
          message.method === 'eth_call' &&
          message.params[0].to?.toLowerCase() === ARBITRUM_NODE_INTERFACE_ADDRESS.toLowerCase()
        ) {
          const { args } = decodeFunctionData({ abi: nodeInterfaceAbi, data: message.params[0].data! });
          calls.push(args as readonly [Hex, boolean, Hex]);
          const result = encodeFunctionResult({
            abi: nodeInterfaceAbi,
            functionName: 'gasEstimateL1Component',
            result: [gasEstimateForL1, l2BaseFeeWei, 30_000_000_000n],
          });
          reply.writeHead(200, { 'content-type': 'application/json' });
          reply.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
          return;
        }
        const upstream = await fetch(anvil.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        reply.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await anvil?.stop();
  });
  afterEach(() => {
    calls.length = 0;
  });

  it('counts gasEstimateForL1 × the L2 base fee it reports, per SGE-ID of the sample batch', async () => {
    const chain = await connectChain({ rpcUrl: url, timeoutMs: 5_000, relayerPrivateKey: key });
    expect(chain.network).toMatchObject({ name: 'Arbitrum One', feeModel: 'arbitrum' });
    const request = { account: relayerAddress, to: `0x${'34'.repeat(20)}`, data: '0xabcdef' } as const;
    expect(await estimateL1CostWei(chain.publicClient, 'arbitrum', request)).toBe(
      gasEstimateForL1 * l2BaseFeeWei,
    );
    expect(calls).toEqual([[request.to, false, request.data]]);

    const funds = await fundsOf(chain);
    const samples = BigInt(L1_FEE_SAMPLE_WALLETS);
    expect(funds.l1FeePerMintWei).toBe((gasEstimateForL1 * l2BaseFeeWei + samples - 1n) / samples);
    expect(funds.costPerMintWei).toBe(funds.executionCostPerMintWei + funds.l1FeePerMintWei);
  });

  it('adds nothing to a mined transaction: Arbitrum charges its L1 component as gas used', () => {
    // The receipt's gasUsed includes gasUsedForL1, so gas × price is the whole cost and l1_fee_wei is 0.
    expect(
      relayerTransactionCostWei({
        gas_used: 500_000n,
        effective_gas_price_wei: l2BaseFeeWei,
        l1_fee_wei: 0n,
      }),
    ).toBe(500_000n * l2BaseFeeWei);
  });
});
