import { payoutBatchTypedData, sgeIdAbi, sgePayoutAbi, testUsdcAbi } from '@sge/contracts';
import { type Address, createWalletClient, getAddress, type Hex, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_ACCOUNTS } from '../../../test/support/payout-approvers';
import {
  insertSettlement,
  reconciliationContext,
  startReconciliationChain,
  type TReconciliationChain,
} from '../../../test/support/reconciliation-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { checkSettlementsOnChain } from './check-settlements-on-chain';

const FEE = 100_000_000n; // 100 USDC

/**
 * The on-chain settlement check against real transactions on anvil (the real contracts): each mismatch kind
 * — MISSING, FAILED, WRONG_AMOUNT, WRONG_RECIPIENT, REORGED (dropped by a reorg, and moved to another block)
 * — is reported for its settlement, and settlements that match are marked verified.
 */
describe('settlements matched against the chain', () => {
  let chain: TReconciliationChain;
  let test: TTestDatabase;
  let usdc: Address;
  let treasury: Address;
  let feeTx: Awaited<ReturnType<typeof transferFee>>;

  let logIndex = 0;
  /** A fresh payer (one CLAIM settlement per wallet) with ETH and test USDC. */
  const newPayer = async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    await chain.testClient.setBalance({ address: account.address, value: 10n ** 18n });
    await chain.payerWallet.writeContract({
      address: usdc,
      abi: testUsdcAbi,
      functionName: 'mint',
      args: [account.address, 10n * FEE],
      chain: null,
      account: chain.payer,
    });
    return { account, wallet: createWalletClient({ transport: http(chain.anvil.rpcUrl), account }) };
  };

  /** A fresh payer transfers `amount` USDC to the treasury (what a claim does with its fee). */
  const transferFee = async (amount: bigint, options: { gas?: bigint } = {}) => {
    const payer = await newPayer();
    const hash = await payer.wallet.writeContract({
      address: usdc,
      abi: testUsdcAbi,
      functionName: 'transfer',
      args: [treasury, amount],
      chain: null,
      account: payer.account,
      ...options,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    return {
      hash,
      from: payer.account.address,
      blockNumber: Number(receipt.blockNumber),
      blockHash: receipt.blockHash,
      status: receipt.status,
    };
  };

  const claimSettlement = (
    tx: { hash: Hex; from: Address; blockNumber: number; blockHash: Hex | null },
    amount = FEE,
  ) => ({
    kind: 'CLAIM' as const,
    wallet: tx.from,
    txHash: tx.hash,
    blockNumber: tx.blockNumber,
    blockHash: tx.blockHash,
    logIndex: logIndex++,
    amount,
    currency: 'USDC',
    details: { tokenAddress: usdc, treasury },
  });

  /** Reverts to a snapshot; anvil puts the reverted blocks' transactions back in its pool, so drop them. */
  const revertDroppingPool = async (snapshot: Hex) => {
    await chain.testClient.revert({ id: snapshot });
    await chain.testClient.request({ method: 'anvil_dropAllTransactions' } as never);
  };

  beforeAll(async () => {
    chain = await startReconciliationChain();
    test = await openTestPglite();
    usdc = chain.deployment.contracts.usdc;
    treasury = getAddress(chain.deployment.treasury);
    feeTx = await transferFee(FEE);
  });
  afterAll(async () => {
    await test?.cleanup();
    await chain?.stop();
  });

  const run = async () => {
    const outcome = await checkSettlementsOnChain.run(reconciliationContext(test.database.db, chain));
    const bySettlement = new Map(
      outcome.findings.items.map((finding) => [finding.details.settlementId, finding]),
    );
    return { outcome, bySettlement };
  };

  it('matches a claim fee paid to the treasury and marks the settlement verified', async () => {
    const id = await insertSettlement(test.database.db, claimSettlement(feeTx));
    const { outcome, bySettlement } = await run();
    expect(bySettlement.has(id)).toBe(false);
    expect(outcome.findings.count).toBe(0);
    expect(outcome.figures).toMatchObject({ checkedSettlements: 1, matched: 1 });
    const row = await test.database.db
      .selectFrom('settlements')
      .select('verified_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.verified_at).not.toBeNull();
  });

  it('reports WRONG_AMOUNT when the transaction paid another amount than the settlement says', async () => {
    const id = await insertSettlement(test.database.db, claimSettlement(await transferFee(FEE), FEE - 1n));
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'WRONG_AMOUNT', severity: 'FAIL' });
    expect(bySettlement.get(id)!.details).toMatchObject({ onChainAmount: FEE.toString() });
  });

  it('reports WRONG_RECIPIENT when the fee went to another address than the treasury recorded', async () => {
    const elsewhere = privateKeyToAccount(generatePrivateKey()).address;
    const id = await insertSettlement(test.database.db, {
      ...claimSettlement(await transferFee(FEE)),
      details: { tokenAddress: usdc, treasury: elsewhere },
    });
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'WRONG_RECIPIENT' });
    expect(bySettlement.get(id)!.message).toContain(treasury);
  });

  it('reports MISSING for a transaction hash the chain does not know', async () => {
    const id = await insertSettlement(test.database.db, {
      ...claimSettlement({
        hash: `0x${'ab'.repeat(32)}`,
        from: privateKeyToAccount(generatePrivateKey()).address,
        blockNumber: feeTx.blockNumber,
        blockHash: feeTx.blockHash,
      }),
    });
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'MISSING' });
  });

  it('reports FAILED for a transaction that reverted', async () => {
    // More USDC than the payer holds: mined (gas given, no estimate) and reverted.
    const reverted = await transferFee(10n ** 30n, { gas: 100_000n });
    expect(reverted.status).toBe('reverted');
    const id = await insertSettlement(test.database.db, claimSettlement(reverted));
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'FAILED' });
  });

  it('reports REORGED for a transaction a reorg dropped (its block is no longer canonical)', async () => {
    const snapshot = await chain.testClient.snapshot();
    const dropped = await transferFee(FEE);
    const id = await insertSettlement(test.database.db, claimSettlement(dropped));
    await revertDroppingPool(snapshot);
    await chain.testClient.mine({ blocks: 2 }); // the chain grows past the block again, with other hashes
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'REORGED' });
    expect(bySettlement.get(id)!.message).toMatch(/dropped by a reorg/);
  });

  it('reports REORGED for a transaction a reorg moved into another block', async () => {
    const payer = await newPayer();
    const snapshot = await chain.testClient.snapshot();
    const hash = await payer.wallet.writeContract({
      address: usdc,
      abi: testUsdcAbi,
      functionName: 'transfer',
      args: [treasury, FEE],
      chain: null,
      account: payer.account,
    });
    const raw = (await chain.publicClient.request({
      method: 'eth_getRawTransactionByHash',
      params: [hash],
    } as never)) as Hex;
    const first = await chain.publicClient.waitForTransactionReceipt({ hash });
    const id = await insertSettlement(
      test.database.db,
      claimSettlement({
        hash,
        from: payer.account.address,
        blockNumber: Number(first.blockNumber),
        blockHash: first.blockHash,
      }),
    );
    await revertDroppingPool(snapshot);
    await chain.testClient.mine({ blocks: 1 }); // the old block number now holds an empty block
    await chain.publicClient.sendRawTransaction({ serializedTransaction: raw });
    const moved = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(Number(moved.blockNumber)).toBe(Number(first.blockNumber) + 1);
    const { bySettlement } = await run();
    expect(bySettlement.get(id)).toMatchObject({ kind: 'REORGED' });
    expect(bySettlement.get(id)!.message).toContain(`now in block ${moved.blockNumber}`);
  });

  it('matches an SGE-ID mint to its wallet and token id, and reports a mint to another wallet or token', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey()).address;
    const second = privateKeyToAccount(generatePrivateKey()).address;
    const hash = await chain.relayerWallet.writeContract({
      address: chain.deployment.contracts.sgeId,
      abi: sgeIdAbi,
      functionName: 'mintBatch',
      args: [[wallet, second]],
      chain: null,
      account: chain.relayer,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const mint = (forWallet: string, tokenId: bigint) => ({
      kind: 'REGISTER' as const,
      wallet: forWallet,
      txHash: hash,
      blockNumber: Number(receipt.blockNumber),
      blockHash: receipt.blockHash,
      amount: 1n,
      currency: 'ETH',
      details: { tokenId: tokenId.toString() },
    });
    const good = await insertSettlement(test.database.db, mint(wallet, BigInt(wallet)));
    const otherWallet = await insertSettlement(
      test.database.db,
      mint(privateKeyToAccount(generatePrivateKey()).address, 1n),
    );
    const otherToken = await insertSettlement(test.database.db, mint(second, 42n));
    const { bySettlement } = await run();
    expect(bySettlement.has(good)).toBe(false);
    expect(bySettlement.get(otherWallet)).toMatchObject({ kind: 'WRONG_RECIPIENT' });
    expect(bySettlement.get(otherToken)).toMatchObject({ kind: 'WRONG_AMOUNT' });
  });

  it('matches a payout batch to the USDC its transaction paid each affiliate, and reports one that differs', async () => {
    const [first, second] = [
      privateKeyToAccount(generatePrivateKey()).address,
      privateKeyToAccount(generatePrivateKey()).address,
    ];
    const payout = chain.deployment.contracts.payout;
    await chain.payerWallet.writeContract({
      address: usdc,
      abi: testUsdcAbi,
      functionName: 'mint',
      args: [payout, 100n * FEE],
      chain: null,
      account: chain.payer,
    });
    const recipients = [first, second];
    const amounts = [10_000_000n, 5_000_000n];
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const typedData = payoutBatchTypedData({
      chainId: chain.anvil.chainId,
      payoutContract: payout,
      batchId: 77n,
      token: usdc,
      recipients,
      amounts,
      deadline,
    });
    const approvals = await Promise.all(
      APPROVER_ACCOUNTS.slice(0, 2).map(async (account) => ({
        approver: account.address,
        signature: await account.signTypedData(typedData),
      })),
    );
    const hash = await chain.relayerWallet.writeContract({
      address: payout,
      abi: sgePayoutAbi,
      functionName: 'payBatch',
      args: [77n, usdc, recipients, amounts, deadline, approvals],
      chain: null,
      account: chain.relayer,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const db = test.database.db;
    const affiliate = async (address: string, code: string) =>
      (
        await db
          .insertInto('affiliates')
          .values({ program_id: DEFAULT_PROGRAM_ID, wallet: address, code })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const ids = { first: await affiliate(first, 'PAYFIRST'), second: await affiliate(second, 'PAYSECOND') };
    /** A COMPLETED batch paying `amounts` (by affiliate) and its PAYOUT settlement on `hash`. */
    const batchSettlement = async (amounts: [string, string, bigint][]) => {
      const batch = await db
        .insertInto('payout_batches')
        .values({
          program_id: DEFAULT_PROGRAM_ID,
          status: 'COMPLETED',
          total: amounts.reduce((sum, [, , amount]) => sum + amount, 0n),
          created_by: 'alice',
          tx_hash: hash,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('payouts')
        .values(
          amounts.map(([affiliateId, address, amount]) => ({
            batch_id: batch.id,
            program_id: DEFAULT_PROGRAM_ID,
            affiliate_id: affiliateId,
            wallet: address,
            amount,
            currency: 'USDC',
            status: 'PAID',
          })),
        )
        .execute();
      return await insertSettlement(db, {
        kind: 'PAYOUT',
        wallet: null,
        txHash: hash,
        blockNumber: Number(receipt.blockNumber),
        amount: amounts.reduce((sum, [, , amount]) => sum + amount, 0n),
        currency: 'USDC',
        details: { batchId: batch.id },
      });
    };
    const good = await batchSettlement([
      [ids.first, first, 10_000_000n],
      [ids.second, second, 5_000_000n],
    ]);
    const wrongAmount = await batchSettlement([
      [ids.first, first, 10_000_000n],
      [ids.second, second, 6_000_000n],
    ]);
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    const wrongRecipient = await batchSettlement([
      [ids.first, first, 10_000_000n],
      [ids.second, stranger, 5_000_000n],
    ]);
    const { bySettlement } = await run();
    expect(bySettlement.has(good)).toBe(false);
    expect(bySettlement.get(wrongAmount)).toMatchObject({ kind: 'WRONG_AMOUNT' });
    expect(bySettlement.get(wrongRecipient)).toMatchObject({ kind: 'WRONG_RECIPIENT' });
  });

  it('does not match provider settlements on-chain, and keeps reporting mismatches every run', async () => {
    await insertSettlement(test.database.db, {
      kind: 'COMMERCE_PAYMENT',
      wallet: chain.payer.address,
      txHash: null,
      blockNumber: null,
      amount: FEE,
      currency: 'USD',
      providerRef: 'CHARGE1',
    });
    const { outcome } = await run();
    expect(outcome.figures.withoutTransaction).toMatchObject({ COMMERCE_PAYMENT: 1 });
    const kinds = outcome.findings.items.map((finding) => finding.kind).sort();
    // Every mismatch above is still reported (a mismatch clears verified_at).
    expect(kinds).toEqual([
      'FAILED',
      'MISSING',
      'REORGED',
      'REORGED',
      'WRONG_AMOUNT',
      'WRONG_AMOUNT',
      'WRONG_AMOUNT',
      'WRONG_RECIPIENT',
      'WRONG_RECIPIENT',
      'WRONG_RECIPIENT',
    ]);
  });
});
