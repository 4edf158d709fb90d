import { sgePayoutAbi, testUsdcAbi } from '@sge/contracts';
import type { TPayoutBatchDetail } from '@sge/shared';
import { type Address, createWalletClient, getAddress, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPROVER_ACCOUNTS,
  NON_APPROVER_ACCOUNT,
  signBatchApproval,
} from '../../../test/support/payout-approvers';
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
  const carol = { 'x-admin-key': 'carol-key-0123456789', 'content-type': 'application/json' };
  const [aliceWallet, bobWallet] = APPROVER_ACCOUNTS;

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      // The admins' wallets are the Mock deployment's payout approvers (alice anvil #7, bob #8, carol #6).
      ADMIN_API_KEYS: [
        `alice:alice-key-0123456789:${aliceWallet.address}`,
        `bob:bob-key-0123456789:${bobWallet.address}`,
        `carol:carol-key-0123456789:${NON_APPROVER_ACCOUNT.address}`,
      ].join(','),
      RELAYER_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '500',
    });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  const url = () => platform.url!;
  const post = async (path: string, headers: Record<string, string>, body: unknown = {}) => {
    const response = await fetch(`${url()}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const getBatch = async (batchId: string): Promise<TPayoutBatchDetail> =>
    await (await fetch(`${url()}/api/admin/payout-batches/${batchId}`, { headers: alice })).json();
  const waitForBatch = async (batchId: string, statuses: string[]): Promise<TPayoutBatchDetail> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const detail = await getBatch(batchId);
      if (statuses.includes(detail.status)) return detail;
      if (Date.now() > deadline) throw new Error(`batch ${batchId} is ${detail.status}, not ${statuses}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const usdcBalanceOf = (address: string) =>
    platform.runtime.chain.publicClient.readContract({
      address: platform.runtime.contracts.usdc!,
      abi: testUsdcAbi,
      functionName: 'balanceOf',
      args: [getAddress(address)],
    });
  const affiliate = async (code: string) =>
    await platform.runtime.database.db
      .selectFrom('affiliates')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirstOrThrow();

  /** A user referred by BETA pays `amount` micro-USD: BETA earns 10 % (level 1), ALPHA 5 % (level 2). */
  let payments = 0;
  const referredPayment = async (amount: bigint) => {
    const { db } = platform.runtime.database;
    await db
      .updateTable('programs')
      .set({ hold_period_seconds: 0, min_payout_micro_usd: 1n })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    const beta = await affiliate('BETA');
    payments++;
    const wallet = getAddress(`0x${payments.toString(16).padStart(2, '0').repeat(20)}`);
    await db
      .insertInto('users')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet, referred_by_affiliate_id: beta.id })
      .execute();
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `commerce:test:${payments}`,
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
        amount,
        currency: 'USD',
      }),
    );
    await matureCommissions(db, new Date(Date.now() + 1_000));
  };

  /** The contracts' owner and the test tokens' blacklister in Mock mode: the deployer. */
  const ownerWallet = () =>
    createWalletClient({
      account: privateKeyToAccount(platform.runtime.config.chain.deployerPrivateKey!),
      chain: platform.runtime.chain.chain,
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });

  /** The payout contract's owner (Mock mode: the deployer) takes `approver` out of the approver set. */
  const ownerRemovesApprover = async (approver: Address) => {
    const owner = ownerWallet();
    const hash = await owner.writeContract({
      address: platform.runtime.contracts.payout!,
      abi: sgePayoutAbi,
      functionName: 'setApprover',
      args: [approver, false],
    });
    await platform.runtime.chain.publicClient.waitForTransactionReceipt({ hash });
  };

  /** alice creates a batch and signs it; bob signs to approve it. */
  const createApprovedBatch = async (): Promise<TPayoutBatchDetail> => {
    const created = await post('/api/admin/payout-batches', alice);
    expect(created.status).toBe(201);
    const batch: TPayoutBatchDetail = created.body;
    expect(batch.approval).toMatchObject({ required: 2, signatures: [] });
    const signedByAlice = await post(`/api/admin/payout-batches/${batch.id}/approve`, alice, {
      signature: await signBatchApproval(batch.approval!, aliceWallet),
    });
    expect(signedByAlice.body).toMatchObject({ status: 'PENDING_APPROVAL' });
    const approved = await post(`/api/admin/payout-batches/${batch.id}/approve`, bob, {
      signature: await signBatchApproval(batch.approval!, bobWallet),
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', approvedBy: 'bob' });
    return approved.body;
  };

  it('pays a batch that its creator and a second admin signed, in one relayer transaction, once', async () => {
    const alpha = await affiliate('ALPHA');
    const beta = await affiliate('BETA');
    const before = { alpha: await usdcBalanceOf(alpha.wallet), beta: await usdcBalanceOf(beta.wallet) };
    await referredPayment(100_000_000n);

    const created = await post('/api/admin/payout-batches', alice);
    expect(created.status).toBe(201);
    const batch: TPayoutBatchDetail = created.body;
    const approval = batch.approval!;
    expect(approval.typedData).toMatchObject({
      primaryType: 'PayoutBatch',
      domain: { name: 'SGEPayout', version: '1', chainId: platform.runtime.chain.chainId },
    });
    // bob cannot approve before alice, the creator, has signed.
    const early = await post(`/api/admin/payout-batches/${batch.id}/approve`, bob, {
      signature: await signBatchApproval(approval, bobWallet),
    });
    expect(early).toMatchObject({ status: 409, body: { error: 'PAYOUT_CREATOR_SIGNATURE_MISSING' } });
    // alice cannot sign with bob's wallet: the signature must be her own wallet's.
    const forged = await post(`/api/admin/payout-batches/${batch.id}/approve`, alice, {
      signature: await signBatchApproval(approval, bobWallet),
    });
    expect(forged).toMatchObject({ status: 400, body: { error: 'PAYOUT_SIGNATURE_INVALID' } });
    expect(
      (
        await post(`/api/admin/payout-batches/${batch.id}/approve`, alice, {
          signature: await signBatchApproval(approval, aliceWallet),
        })
      ).status,
    ).toBe(200);
    // alice again: she created and signed it; a second admin must approve.
    const self = await post(`/api/admin/payout-batches/${batch.id}/approve`, alice, {
      signature: await signBatchApproval(approval, aliceWallet),
    });
    expect(self).toMatchObject({ status: 403, body: { error: 'PAYOUT_SELF_APPROVAL' } });
    // carol is an admin, but the payout contract's owner has taken her wallet out of the approver set (Mock
    // mode makes every configured admin's wallet an approver at deployment).
    await ownerRemovesApprover(NON_APPROVER_ACCOUNT.address);
    const outsider = await post(`/api/admin/payout-batches/${batch.id}/approve`, carol, {
      signature: await NON_APPROVER_ACCOUNT.signTypedData(approval.typedData as never),
    });
    expect(outsider).toMatchObject({ status: 403, body: { error: 'PAYOUT_NOT_APPROVER' } });
    expect((await getBatch(batch.id)).status).toBe('PENDING_APPROVAL');
    const approved = await post(`/api/admin/payout-batches/${batch.id}/approve`, bob, {
      signature: await signBatchApproval(approval, bobWallet),
    });
    expect(approved.body).toMatchObject({ status: 'APPROVED', approvedBy: 'bob' });
    expect(approved.body.approval.signatures.map((row: { admin: string }) => row.admin)).toEqual([
      'alice',
      'bob',
    ]);

    expect((await post(`/api/admin/payout-batches/${batch.id}/execute`, alice)).status).toBe(202);
    const detail = await waitForBatch(batch.id, ['COMPLETED']);
    expect(await usdcBalanceOf(beta.wallet)).toBe(before.beta + 10_000_000n);
    expect(await usdcBalanceOf(alpha.wallet)).toBe(before.alpha + 5_000_000n);
    const { publicClient } = platform.runtime.chain;
    const receipt = await publicClient.getTransactionReceipt({ hash: detail.txHash as Hex });
    expect(receipt.from.toLowerCase()).toBe(platform.runtime.chain.relayer.address.toLowerCase());
    const payoutTxs = await platform.runtime.database.db
      .selectFrom('relayer_transactions')
      .select(['id', 'gas_limit'])
      .where('purpose', '=', 'payout_batch')
      .execute();
    expect(payoutTxs).toHaveLength(1);
  });

  it('pays everyone but a blacklisted affiliate, whose payout is SKIPPED with the reason and payable again', async () => {
    const alpha = await affiliate('ALPHA');
    const beta = await affiliate('BETA');
    const { publicClient } = platform.runtime.chain;
    const usdc = platform.runtime.contracts.usdc!;
    const owner = createWalletClient({
      account: (await import('viem/accounts')).privateKeyToAccount(
        platform.runtime.config.chain.deployerPrivateKey!,
      ),
      chain: platform.runtime.chain.chain,
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });
    await publicClient.waitForTransactionReceipt({
      hash: await owner.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'blacklist',
        args: [getAddress(beta.wallet)],
      }),
    });
    const before = { alpha: await usdcBalanceOf(alpha.wallet), beta: await usdcBalanceOf(beta.wallet) };
    await referredPayment(200_000_000n);
    const batch = await createApprovedBatch();
    const started = Date.now();
    expect((await post(`/api/admin/payout-batches/${batch.id}/execute`, alice)).status).toBe(202);
    const detail = await waitForBatch(batch.id, ['COMPLETED', 'FAILED']);
    expect(detail.status).toBe('COMPLETED');
    expect(Date.now() - started).toBeLessThan(20_000); // paid in one run, nothing retried for minutes
    expect(await usdcBalanceOf(alpha.wallet)).toBe(before.alpha + 10_000_000n);
    expect(await usdcBalanceOf(beta.wallet)).toBe(before.beta);
    const skipped = detail.payouts.find((payout) => payout.affiliateId === beta.id)!;
    expect(skipped).toMatchObject({ status: 'SKIPPED', skipReason: expect.stringMatching(/blacklisted/i) });
    expect(detail.payouts.find((payout) => payout.affiliateId === alpha.id)!.status).toBe('PAID');
    // BETA's commissions are PAYABLE again, in no payout: the next batch takes them.
    const commissions = await platform.runtime.database.db
      .selectFrom('commissions')
      .select(['status', 'payout_id'])
      .where('affiliate_id', '=', beta.id)
      .where('status', '=', 'PAYABLE')
      .execute();
    expect(commissions.length).toBeGreaterThan(0);
    expect(commissions, JSON.stringify(detail)).toEqual(
      commissions.map(() => ({ status: 'PAYABLE', payout_id: null })),
    );
    await publicClient.waitForTransactionReceipt({
      hash: await owner.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'unBlacklist',
        args: [getAddress(beta.wallet)],
      }),
    });
  });

  it('cancels an approved batch only after voiding it on the payout contract, so its signatures pay nothing', async () => {
    await referredPayment(50_000_000n);
    const batch = await createApprovedBatch();
    const cancelled = await post(`/api/admin/payout-batches/${batch.id}/cancel`, bob, {
      reason: 'wrong month',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const { publicClient } = platform.runtime.chain;
    const payout = platform.runtime.contracts.payout!;
    const onChainId = BigInt(`0x${batch.id.replaceAll('-', '')}`);
    expect(
      await publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'batchVoided',
        args: [onChainId],
      }),
    ).toBe(true);
    // The batch's commissions are free again: the next batch pays them.
    const next = await createApprovedBatch();
    expect(next.total).toBe(batch.total);
  });
  it('fails a batch the payout contract cannot fund at once, naming the shortfall, and cancels the FAILED batch', async () => {
    await referredPayment(80_000_000n);
    const batch = await createApprovedBatch();
    const payout = platform.runtime.contracts.payout!;
    const usdc = platform.runtime.contracts.usdc!;
    const { publicClient } = platform.runtime.chain;
    const owner = ownerWallet();
    // The treasury (the owner) takes the funds back, leaving less than the batch needs.
    const held = await usdcBalanceOf(payout);
    await publicClient.waitForTransactionReceipt({
      hash: await owner.writeContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'withdraw',
        args: [usdc, owner.account.address, held - 1n],
      }),
    });
    const started = Date.now();
    expect((await post(`/api/admin/payout-batches/${batch.id}/execute`, alice)).status).toBe(202);
    const failed = await waitForBatch(batch.id, ['FAILED', 'COMPLETED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toMatch(/shortfall: the payout contract .* holds 1 of .*, the batch needs \d+/);
    expect(Date.now() - started).toBeLessThan(20_000); // at once: not retried for minutes
    const cancelled = await post(`/api/admin/payout-batches/${batch.id}/cancel`, bob, {
      reason: 'underfunded',
    });
    expect(cancelled.body.status).toBe('CANCELLED');
    const onChainId = BigInt(`0x${batch.id.replaceAll('-', '')}`);
    expect(
      await publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'batchVoided',
        args: [onChainId],
      }),
    ).toBe(true);
    const linked = await platform.runtime.database.db
      .selectFrom('commissions')
      .select('id')
      .where(
        'payout_id',
        'in',
        batch.payouts.map((p) => p.id),
      )
      .execute();
    expect(linked).toEqual([]);
    // Refund the contract for the tests after this one.
    await publicClient.waitForTransactionReceipt({
      hash: await owner.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [payout, held],
      }),
    });
  });

  // Last: it sends from the relayer's key behind the platform's back (as an attacker with the key would),
  // taking nonces the platform's relayer then has to recover from.
  it("moves nothing when the relayer key calls the payout contract without two approvers' signatures", async () => {
    const payout = platform.runtime.contracts.payout!;
    const usdc = platform.runtime.contracts.usdc!;
    const attacker = getAddress(`0x${'a7'.repeat(20)}`);
    const contractBalance = await usdcBalanceOf(payout);
    // The hot key itself, as anyone with a shell on a worker host has it.
    const relayer = createWalletClient({
      account: platform.runtime.chain.relayer,
      chain: platform.runtime.chain.chain,
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const tryPay = async (approvals: { approver: Address; signature: Hex }[]) =>
      await relayer
        .writeContract({
          address: payout,
          abi: sgePayoutAbi,
          functionName: 'payBatch',
          args: [123n, usdc, [attacker], [contractBalance], deadline, approvals],
          gas: 500_000n,
        })
        .then((hash) => platform.runtime.chain.publicClient.waitForTransactionReceipt({ hash }))
        .then((receipt) => receipt.status);
    expect(await tryPay([])).toBe('reverted');
    // A signature the relayer made itself, twice: not an approver, and the same signer twice.
    const digest = await platform.runtime.chain.publicClient.readContract({
      address: payout,
      abi: sgePayoutAbi,
      functionName: 'payBatchDigest',
      args: [123n, usdc, [attacker], [contractBalance], deadline],
    });
    const own = await platform.runtime.chain.relayer.sign!({ hash: digest });
    expect(
      await tryPay([
        { approver: platform.runtime.chain.relayer.address, signature: own },
        { approver: platform.runtime.chain.relayer.address, signature: own },
      ]),
    ).toBe('reverted');
    // One real approver's signature, used twice, is not two approvals.
    const aliceSignature = await aliceWallet.sign({ hash: digest });
    expect(
      await tryPay([
        { approver: aliceWallet.address, signature: aliceSignature },
        { approver: aliceWallet.address, signature: aliceSignature },
      ]),
    ).toBe('reverted');
    expect(await usdcBalanceOf(attacker)).toBe(0n);
    expect(await usdcBalanceOf(payout)).toBe(contractBalance);
    // And the platform's relayer refuses to send anything to an address that is not a known contract.
    await expect(
      platform.runtime.relayer.send({
        purpose: 'mint_batch',
        reference: 'attack:1',
        to: attacker,
        data: '0x',
      }),
    ).rejects.toMatchObject({ kind: 'TARGET_NOT_ALLOWED' });
  });
});
