import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  concatHex,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  hashTypedData,
  http,
  type PublicClient,
  parseEventLogs,
  zeroAddress,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sgePayoutAbi, testUsdcAbi } from '../generated/artifacts';
import { ANVIL_MNEMONIC, ANVIL_PRIVATE_KEYS, startAnvil, type TAnvil } from './anvil';
import { deployContracts, type TDeployment } from './deploy';
import { payoutBatchTypedData } from './payout-approval';
import { deploySafeContracts, execSafeTransaction, safeErc1271Signature, type TSafe } from './safe';

/**
 * Custody with Safe 1.4.1 on anvil: a 2-of-3 treasury Safe owns the platform contracts and manages
 * SGEPayout's approver set; a second Safe (2-of-2) is one of the two approvers a payout batch needs and
 * signs through ERC-1271. Tests run in order and share the chain.
 */

const [deployerKey, relayerKey, treasuryKey, approverKey] = ANVIL_PRIVATE_KEYS;
const deployer = privateKeyToAccount(deployerKey);
const relayer = privateKeyToAccount(relayerKey);
const eoaApprover = privateKeyToAccount(approverKey);
// Safe owners from anvil's public mnemonic, past the funded accounts: they only sign; the deployer
// sends every Safe transaction and pays its gas.
const mnemonicAccount = (addressIndex: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
const treasuryOwners = [mnemonicAccount(30), mnemonicAccount(31), mnemonicAccount(32)] as const;
const approverSafeOwners = [mnemonicAccount(33), mnemonicAccount(34)] as const;
const stranger = mnemonicAccount(35);
const recipients: Address[] = [mnemonicAccount(40).address, mnemonicAccount(41).address];
const amounts = [1_250_000n, 3_000_000n];
const batchId = 1n;
/** The contract's funds: enough for the batch and some left for the owner to withdraw. */
const fundingMicroUsd = 10_000_000n;

/** The custom error name (and arguments) of a reverted call, or of a Safe's require string (GS0xx). */
async function revertReason(
  promise: Promise<unknown>,
): Promise<{ name?: string; args?: readonly unknown[] }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BaseError) {
      const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) {
        // Safe reverts with require strings (Error(string)): the string is the name worth comparing.
        if (!reverted.data || reverted.data.errorName === 'Error') return { name: reverted.reason };
        return { name: reverted.data.errorName, args: reverted.data.args };
      }
    }
    throw error;
  }
  throw new Error('expected the call to revert');
}

describe('a 2-of-3 Safe owns the contracts and an approver is a Safe (ERC-1271), on anvil', () => {
  let anvil: TAnvil;
  let publicClient: PublicClient;
  let deployment: TDeployment;
  let treasurySafe: TSafe;
  let approverSafe: TSafe;
  let ownedContracts: Array<[string, Address]>;
  let deadline: bigint;

  const walletOf = (account: typeof deployer) =>
    createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
  const isApprover = (approver: Address) =>
    publicClient.readContract({
      address: deployment.contracts.payout,
      abi: sgePayoutAbi,
      functionName: 'isApprover',
      args: [approver],
    });
  const setApproverCall = (approver: Address, enabled: boolean) => ({
    to: deployment.contracts.payout,
    data: encodeFunctionData({ abi: sgePayoutAbi, functionName: 'setApprover', args: [approver, enabled] }),
  });
  const usdcBalance = (account: Address) =>
    publicClient.readContract({
      address: deployment.contracts.usdc,
      abi: testUsdcAbi,
      functionName: 'balanceOf',
      args: [account],
    });
  const batchTypedData = (overrides: { batchId?: bigint; amounts?: bigint[] } = {}) =>
    payoutBatchTypedData({
      chainId: anvil.chainId,
      payoutContract: deployment.contracts.payout,
      batchId: overrides.batchId ?? batchId,
      token: deployment.contracts.usdc,
      recipients,
      amounts: overrides.amounts ?? amounts,
      deadline,
    });
  const payBatch = (approvals: Array<{ approver: Address; signature: Hex }>, id = batchId) =>
    walletOf(relayer).writeContract({
      address: deployment.contracts.payout,
      abi: sgePayoutAbi,
      functionName: 'payBatch',
      args: [id, deployment.contracts.usdc, recipients, amounts, deadline, approvals],
    });

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const walletClient = walletOf(deployer);
    const safes = await deploySafeContracts({ publicClient, walletClient });
    treasurySafe = await safes.createSafe({
      owners: treasuryOwners.map((owner) => owner.address),
      threshold: 2,
    });
    approverSafe = await safes.createSafe({
      owners: approverSafeOwners.map((owner) => owner.address),
      threshold: 2,
    });
    deployment = await deployContracts({
      publicClient,
      walletClient,
      relayer: relayer.address,
      treasury: privateKeyToAccount(treasuryKey).address,
      owner: treasurySafe.address,
    });
    ownedContracts = [
      ['SGEID', deployment.contracts.sgeId],
      ['SGEClaim', deployment.contracts.sgeClaim],
      ['SGEPayout', deployment.contracts.payout],
      ['AffiliateRegistry', deployment.contracts.affiliateRegistry],
      ['SGEToken', deployment.contracts.sgeToken],
    ];
    const block = await publicClient.getBlock();
    deadline = block.timestamp + 3600n;
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  const readOwnership = async (address: Address) => ({
    owner: await publicClient.readContract({ address, abi: sgePayoutAbi, functionName: 'owner' }),
    pendingOwner: await publicClient.readContract({
      address,
      abi: sgePayoutAbi,
      functionName: 'pendingOwner',
    }),
  });

  it('hands every owned contract to the Safe in two steps: pending until two owners accept through it', async () => {
    for (const [label, address] of ownedContracts) {
      expect(await readOwnership(address), label).toEqual({
        owner: deployer.address,
        pendingOwner: treasurySafe.address,
      });
    }
    const acceptOwnership = encodeFunctionData({ abi: sgePayoutAbi, functionName: 'acceptOwnership' });
    // One owner's signature is not the Safe's decision.
    expect(
      (
        await revertReason(
          execSafeTransaction(treasurySafe, { to: deployment.contracts.payout, data: acceptOwnership }, [
            treasuryOwners[0],
          ]),
        )
      ).name,
    ).toBe('GS020');
    for (const [, address] of ownedContracts) {
      await execSafeTransaction(treasurySafe, { to: address, data: acceptOwnership }, [
        treasuryOwners[2],
        treasuryOwners[0],
      ]);
    }
    for (const [label, address] of ownedContracts) {
      expect(await readOwnership(address), label).toEqual({
        owner: treasurySafe.address,
        pendingOwner: zeroAddress,
      });
    }
  });

  it('lets the Safe add and remove approvers with two owners, but not one owner alone nor the deployer', async () => {
    expect(await isApprover(eoaApprover.address)).toBe(false);
    const receipt = await execSafeTransaction(treasurySafe, setApproverCall(eoaApprover.address, true), [
      treasuryOwners[0],
      treasuryOwners[1],
    ]);
    const [approverSet] = parseEventLogs({ abi: sgePayoutAbi, eventName: 'ApproverSet', logs: receipt.logs });
    expect(approverSet?.args).toEqual({ approver: eoaApprover.address, enabled: true });
    expect(await isApprover(eoaApprover.address)).toBe(true);

    // One owner: the Safe refuses the signatures before the call is made.
    const oneOwner = await revertReason(
      execSafeTransaction(treasurySafe, setApproverCall(stranger.address, true), [treasuryOwners[1]]),
    );
    expect(oneOwner.name).toBe('GS020');
    expect(await isApprover(stranger.address)).toBe(false);

    // The deployer, owner until the Safe accepted, has no say any more.
    const byDeployer = await revertReason(
      walletOf(deployer).writeContract({
        address: deployment.contracts.payout,
        abi: sgePayoutAbi,
        functionName: 'setApprover',
        args: [stranger.address, true],
      }),
    );
    expect(byDeployer).toEqual({ name: 'OwnableUnauthorizedAccount', args: [deployer.address] });
    expect(await isApprover(stranger.address)).toBe(false);

    // Removing takes the same two owners.
    await execSafeTransaction(treasurySafe, setApproverCall(eoaApprover.address, false), [
      treasuryOwners[1],
      treasuryOwners[2],
    ]);
    expect(await isApprover(eoaApprover.address)).toBe(false);
    await execSafeTransaction(treasurySafe, setApproverCall(eoaApprover.address, true), [
      treasuryOwners[2],
      treasuryOwners[1],
    ]);
    expect(await isApprover(eoaApprover.address)).toBe(true);
  });

  it('registers the 2-of-2 approver Safe as an approver through the treasury Safe', async () => {
    await execSafeTransaction(treasurySafe, setApproverCall(approverSafe.address, true), [
      treasuryOwners[0],
      treasuryOwners[2],
    ]);
    expect(await isApprover(approverSafe.address)).toBe(true);
  });

  it('refuses the batch when the approver Safe signature does not verify, and moves nothing', async () => {
    await walletOf(deployer).writeContract({
      address: deployment.contracts.usdc,
      abi: testUsdcAbi,
      functionName: 'mint',
      args: [deployment.contracts.payout, fundingMicroUsd],
    });
    const typedData = batchTypedData();
    const eoaSignature = await eoaApprover.signTypedData(typedData);
    const invalidSafeSignatures: Array<[string, Hex]> = [
      ['one of the two owners', await safeErc1271Signature(approverSafe, typedData, [approverSafeOwners[0]])],
      [
        'an owner and a stranger',
        await safeErc1271Signature(approverSafe, typedData, [approverSafeOwners[0], stranger]),
      ],
      [
        'both owners, for other amounts',
        await safeErc1271Signature(approverSafe, batchTypedData({ amounts: [1_250_000n, 3_000_001n] }), [
          ...approverSafeOwners,
        ]),
      ],
      [
        'both owners, for the treasury Safe instead',
        await safeErc1271Signature(treasurySafe, typedData, [...approverSafeOwners]),
      ],
      [
        'both owners signing the batch digest itself rather than the SafeMessage',
        concatHex(
          await Promise.all(
            [...approverSafeOwners]
              .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
              .map((owner) => owner.signTypedData(typedData)),
          ),
        ),
      ],
    ];
    for (const [label, safeSignature] of invalidSafeSignatures) {
      const refused = await revertReason(
        payBatch([
          { approver: eoaApprover.address, signature: eoaSignature },
          { approver: approverSafe.address, signature: safeSignature },
        ]),
      );
      expect(refused, label).toEqual({ name: 'SGEPayoutInvalidSignature', args: [approverSafe.address] });
    }
    expect(await usdcBalance(deployment.contracts.payout)).toBe(fundingMicroUsd);
    for (const recipient of recipients) expect(await usdcBalance(recipient)).toBe(0n);
  });

  it('pays the batch approved by the EOA approver and by the approver Safe through ERC-1271', async () => {
    const typedData = batchTypedData();
    expect(
      await publicClient.readContract({
        address: deployment.contracts.payout,
        abi: sgePayoutAbi,
        functionName: 'payBatchDigest',
        args: [batchId, deployment.contracts.usdc, recipients, amounts, deadline],
      }),
    ).toBe(hashTypedData(typedData));
    const approvals = [
      {
        approver: approverSafe.address,
        signature: await safeErc1271Signature(approverSafe, typedData, [...approverSafeOwners]),
      },
      { approver: eoaApprover.address, signature: await eoaApprover.signTypedData(typedData) },
    ];
    const hash = await payBatch(approvals);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const [paid] = parseEventLogs({ abi: sgePayoutAbi, eventName: 'BatchPaid', logs: receipt.logs });
    expect(paid?.args).toEqual({
      batchId,
      token: deployment.contracts.usdc,
      recipientCount: 2n,
      total: amounts[0]! + amounts[1]!,
    });
    for (const [index, recipient] of recipients.entries())
      expect(await usdcBalance(recipient)).toBe(amounts[index]);
    expect(await usdcBalance(deployment.contracts.payout)).toBe(fundingMicroUsd - amounts[0]! - amounts[1]!);
  });

  it('stops counting the approver Safe once the treasury Safe removes it', async () => {
    await execSafeTransaction(treasurySafe, setApproverCall(approverSafe.address, false), [
      treasuryOwners[0],
      treasuryOwners[1],
    ]);
    const nextBatch = batchTypedData({ batchId: 2n });
    const refused = await revertReason(
      payBatch(
        [
          { approver: eoaApprover.address, signature: await eoaApprover.signTypedData(nextBatch) },
          {
            approver: approverSafe.address,
            signature: await safeErc1271Signature(approverSafe, nextBatch, [...approverSafeOwners]),
          },
        ],
        2n,
      ),
    );
    expect(refused).toEqual({ name: 'SGEPayoutNotApprover', args: [approverSafe.address] });
  });

  it('lets only the Safe withdraw the remaining funds', async () => {
    const remaining = await usdcBalance(deployment.contracts.payout);
    const withdraw = encodeFunctionData({
      abi: sgePayoutAbi,
      functionName: 'withdraw',
      args: [deployment.contracts.usdc, treasurySafe.address, remaining],
    });
    for (const account of [relayer, deployer]) {
      const refused = await revertReason(
        walletOf(account).writeContract({
          address: deployment.contracts.payout,
          abi: sgePayoutAbi,
          functionName: 'withdraw',
          args: [deployment.contracts.usdc, account.address, remaining],
        }),
      );
      expect(refused).toEqual({ name: 'OwnableUnauthorizedAccount', args: [account.address] });
    }
    await execSafeTransaction(treasurySafe, { to: deployment.contracts.payout, data: withdraw }, [
      treasuryOwners[1],
      treasuryOwners[2],
    ]);
    expect(await usdcBalance(treasurySafe.address)).toBe(remaining);
    expect(await usdcBalance(deployment.contracts.payout)).toBe(0n);
  });
});
