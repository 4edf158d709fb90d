import { testUsdcAbi, testUsdtAbi } from '@sge/contracts';
import { type Address, encodeFunctionData, erc20Abi, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReconciliationChain,
  type TReconciliationChain,
} from '../../../test/support/reconciliation-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import type { TClaimEnvironment } from '../claims/claim-context';
import { getProgram } from '../programs/get-program';
import { getWalletStatus } from '../registration/get-wallet-status';
import { createOnchainPayment } from './create-onchain-payment';
import { hasPaid } from './has-paid';
import { findPaymentTransfer, recordOnchainPayment } from './record-onchain-payment';
import { watchOnchainPayments } from './watch-onchain-payments';

const TTL_MS = 3_600_000;

/**
 * Direct on-chain payments (issue 19) on anvil with the real contracts: the payer (dev key 3, holding test
 * USDC) pays the program's fee to its treasury with an ERC-20 transfer, and the payment is recorded once
 * whether the page, the chain watcher or both report it; wrong token, wrong recipient and underpayment are
 * refused by name.
 */
describe('direct on-chain payment', () => {
  let chain: TReconciliationChain;
  let test: TTestDatabase;
  let env: TClaimEnvironment;

  const pay = async (to: `0x${string}`, data: Hex) =>
    (
      await chain.publicClient.waitForTransactionReceipt({
        hash: await chain.payerWallet.sendTransaction({ to, data, chain: null, account: chain.payer }),
      })
    ).transactionHash;
  const request = () =>
    createOnchainPayment(env, {
      programId: DEFAULT_PROGRAM_ID,
      wallet: chain.payer.address,
      token: 'USDC',
      ttlMs: TTL_MS,
    });
  const row = (id: string) =>
    env.db.selectFrom('onchain_payment_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const settlements = () =>
    env.db
      .selectFrom('settlements')
      .selectAll()
      .where('wallet', '=', chain.payer.address)
      .where('kind', '=', 'COMMERCE_PAYMENT')
      .execute();

  beforeAll(async () => {
    chain = await startReconciliationChain();
    test = await openTestPglite();
    const { contracts } = chain.deployment;
    await test.database.db
      .updateTable('programs')
      .set({
        sge_claim_address: contracts.sgeClaim,
        sge_id_address: contracts.sgeId,
        payment_provider: 'onchain',
      })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    // The payer holds 1,000 of each test stablecoin (the test tokens mint to anyone).
    for (const [token, abi] of [
      [contracts.usdc, testUsdcAbi],
      [contracts.usdt, testUsdtAbi],
    ] as const) {
      await pay(
        token,
        encodeFunctionData({ abi, functionName: 'mint', args: [chain.payer.address, 1_000_000_000n] }),
      );
    }
    env = {
      db: test.database.db,
      client: chain.publicClient as TClaimEnvironment['client'],
      chainId: await chain.publicClient.getChainId(),
      defaults: { sgeClaim: null, sgeId: null },
      explorerUrl: null,
      confirmations: 1,
    };
  });
  afterAll(async () => {
    await test?.cleanup();
    await chain?.stop();
  });

  it('refuses a wrong token, a wrong recipient and an underpayment by name', async () => {
    const asked = await request();
    const treasury = asked.treasury as Address;
    const usdt = await pay(
      chain.deployment.contracts.usdt,
      encodeFunctionData({
        abi: testUsdtAbi,
        functionName: 'transfer',
        args: [treasury, BigInt(asked.amount)],
      }),
    );
    const stored = await row(asked.id);
    await expect(findPaymentTransfer(env, stored, usdt)).rejects.toMatchObject({
      code: 'PAYMENT_WRONG_TOKEN',
    });
    const elsewhere = await pay(
      chain.deployment.contracts.usdc,
      encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [chain.relayer.address, 1n] }),
    );
    await expect(findPaymentTransfer(env, stored, elsewhere)).rejects.toMatchObject({
      code: 'PAYMENT_WRONG_RECIPIENT',
    });
    const short = await pay(
      chain.deployment.contracts.usdc,
      encodeFunctionData({
        abi: erc20Abi,
        functionName: 'transfer',
        args: [treasury, BigInt(asked.amount) - 1n],
      }),
    );
    await expect(findPaymentTransfer(env, stored, short)).rejects.toMatchObject({
      code: 'PAYMENT_UNDERPAID',
      message: expect.stringContaining(`${BigInt(asked.amount) - 1n} of the ${asked.amount}`),
    });
    // The watcher does not take an underpayment either.
    await watchOnchainPayments(env);
    expect(await hasPaid(env.db, DEFAULT_PROGRAM_ID, chain.payer.address)).toBe(false);
    await env.db
      .updateTable('onchain_payment_requests')
      .set({ status: 'EXPIRED' })
      .where('id', '=', asked.id)
      .execute();
  });

  it('records a payment once when the page and the watcher both report it, in either order or at once', async () => {
    const asked = await request();
    expect(asked).toMatchObject({ status: 'PENDING', token: 'USDC', amount: '100000000', paidBy: null });
    const txHash = await pay(asked.transaction.to as Address, asked.transaction.data as Hex);
    const transfer = await findPaymentTransfer(env, await row(asked.id), txHash);
    // Page and watcher at once: one records it, the other finds it recorded.
    const [page, watched] = await Promise.all([
      recordOnchainPayment(env, asked.id, transfer, 'page'),
      watchOnchainPayments(env),
    ]);
    const created = (page.created ? 1 : 0) + (watched?.recorded ?? 0);
    expect(created).toBe(1);
    // Reported again by either: nothing new.
    expect((await recordOnchainPayment(env, asked.id, transfer, 'page')).created).toBe(false);
    expect((await watchOnchainPayments(env))?.recorded ?? 0).toBe(0);
    const recorded = await settlements();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      amount: 100_000_000n,
      currency: 'USDC',
      tx_hash: txHash.toLowerCase(),
    });
    expect(await hasPaid(env.db, DEFAULT_PROGRAM_ID, chain.payer.address)).toBe(true);
    expect((await row(asked.id)).status).toBe('PAID');
    const ledger = await env.db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('reference', '=', `settlement:${recorded[0]!.id}`)
      .execute();
    expect(ledger).toHaveLength(1);
    // GET /api/status says paid though this program does not require payment (issue 19 part 4).
    const program = await getProgram(env.db, DEFAULT_PROGRAM_ID);
    expect(program.payment_required).toBe(false);
    const status = await getWalletStatus(env.db, program, chain.payer.address, {
      explorerUrl: null,
      sgeIdAddress: null,
    });
    expect(status.payment).toEqual({ required: false, paid: true, provider: 'onchain' });
    // Paid: a new request is refused.
    await expect(request()).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('records what the watcher finds first, and the page report after it is a no-op', async () => {
    // A second program paying the same way (the default one is paid): the watcher reports first.
    const other = await env.db
      .insertInto('programs')
      .values({
        slug: 'onchain-second',
        name: 'Second',
        sge_claim_address: chain.deployment.contracts.sgeClaim,
        sge_id_address: chain.deployment.contracts.sgeId,
        payment_provider: 'onchain',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const asked = await createOnchainPayment(env, {
      programId: other.id,
      wallet: chain.payer.address,
      token: 'USDC',
      ttlMs: TTL_MS,
    });
    const txHash = await pay(asked.transaction.to as Address, asked.transaction.data as Hex);
    expect((await watchOnchainPayments(env))?.recorded).toBe(1);
    const transfer = await findPaymentTransfer(env, await row(asked.id), txHash);
    const page = await recordOnchainPayment(env, asked.id, transfer, 'page');
    expect(page.created).toBe(false);
    expect(page.payment.paidBy).toMatchObject({ source: 'watcher', txHash: txHash.toLowerCase() });
    expect(await hasPaid(env.db, other.id, chain.payer.address)).toBe(true);
  });
});
