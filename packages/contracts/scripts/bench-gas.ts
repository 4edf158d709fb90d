/**
 * Gas benchmark of the hot paths, measured from real receipts on a fresh anvil:
 * - mintSingleGas: `SGEID.mint` to a fresh wallet (receipt gasUsed, 21,000 base included);
 * - mintBatchGasPerMint: `SGEID.mintBatch` of 100 fresh wallets, receipt gasUsed / 100;
 * - payoutGasPerRecipientAt100WithApprovals: `SGEPayout.payBatch` of TestUSDC (with its blacklist check)
 *   to 100 fresh recipients carrying two approvers' EIP-712 signatures, receipt gasUsed / 100 (the
 *   transaction's 21,000 base, calldata and both signature checks included);
 * - claimGas / claimUsdtGas: one `claimWithUSDC` / `claimWithUSDT` (after approve); approveGas: that approve,
 *   so approve + claim = approveGas + claimGas, both paid by the wallet;
 * - gaslessClaimGas: one `claimWithAuthorization` (EIP-3009 ReceiveWithAuthorization of TestUSDC, fee to the
 *   treasury, relay fee to the relayer), paid by the relayer; gaslessClaimGasPerClaimAt10: one
 *   `claimWithAuthorizations` of 10 wallets, receipt gasUsed / 10.
 *
 * Prints ONE JSON object on stdout and exits 1 when a target is missed.
 * Usage: `npm run bench:gas -w @sge/contracts`.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hash,
  http,
  keccak256,
  type PublicClient,
  toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { sgeClaimAbi, sgeIdAbi, sgePayoutAbi, testUsdcAbi, testUsdtAbi } from '../generated/artifacts';
import { ANVIL_PRIVATE_KEYS, startAnvil } from '../ts/anvil';
import { deployContracts } from '../ts/deploy';
import { payoutBatchTypedData } from '../ts/payout-approval';

/** Hard targets (gas). */
const TARGETS = {
  mintSingleGasMax: 55_000,
  mintBatchGasPerMintMax: 30_000,
  payoutGasPerRecipientAt100WithApprovalsMax: 35_000,
} as const;
/** Wallets per batch measured. */
const BATCH_SIZE = 100;

/** `count` fresh, deterministic addresses that have never been touched on the chain. */
function freshAddresses(label: string, count: number): Address[] {
  return Array.from(
    { length: count },
    (_, index) => `0x${keccak256(toHex(`sge-bench:${label}:${index}`)).slice(26)}` as Address,
  );
}

async function gasUsed(publicClient: PublicClient, hash: Hash): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`benchmark transaction ${hash} reverted`);
  return receipt.gasUsed;
}

async function main(): Promise<number> {
  const anvil = await startAnvil({ chainId: foundry.id });
  try {
    const transport = http(anvil.rpcUrl);
    const publicClient = createPublicClient({ chain: foundry, transport });
    const [deployerKey, relayerKey, treasuryKey, claimantKey] = ANVIL_PRIVATE_KEYS;
    const wallet = (key: `0x${string}`) =>
      createWalletClient({ account: privateKeyToAccount(key), chain: foundry, transport });
    const deployer = wallet(deployerKey);
    const relayer = wallet(relayerKey);
    const approvers = [
      privateKeyToAccount(ANVIL_PRIVATE_KEYS[7]),
      privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]),
    ];
    const deployment = await deployContracts({
      publicClient,
      walletClient: deployer,
      relayer: relayer.account.address,
      treasury: privateKeyToAccount(treasuryKey).address,
      approvers: approvers.map((approver) => approver.address),
    });
    const { sgeId, payout, sgeClaim, usdc, usdt } = deployment.contracts;

    // Single mint to a fresh wallet.
    const [singleWallet] = freshAddresses('single', 1);
    const mintSingleGas = await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'mint',
        args: [singleWallet!],
      }),
    );

    // Batch mint of fresh wallets.
    const mintBatchGas = await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'mintBatch',
        args: [freshAddresses('batch', BATCH_SIZE)],
      }),
    );

    // Payout batch of TestUSDC to fresh recipients, amounts 1..100 USDC.
    const recipients = freshAddresses('payout', BATCH_SIZE);
    const amounts = recipients.map((_, index) => BigInt(index + 1) * 1_000_000n);
    const payoutTotal = amounts.reduce((sum, amount) => sum + amount, 0n);
    await gasUsed(
      publicClient,
      await deployer.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [payout, payoutTotal],
      }),
    );
    const block = await publicClient.getBlock();
    const deadline = block.timestamp + 3_600n;
    const typedData = payoutBatchTypedData({
      chainId: foundry.id,
      payoutContract: payout,
      batchId: 1n,
      token: usdc,
      recipients,
      amounts,
      deadline,
    });
    const approvals = await Promise.all(
      approvers.map(async (approver) => ({
        approver: approver.address,
        signature: await approver.signTypedData(typedData),
      })),
    );
    const payoutGas = await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'payBatch',
        args: [1n, usdc, recipients, amounts, deadline, approvals],
      }),
    );

    // One USDC claim by a registered wallet, and one USDT claim by another.
    const claimWith = async (claimKey: `0x${string}`, token: 'usdc' | 'usdt'): Promise<bigint> => {
      const client = wallet(claimKey);
      const holder = client.account.address;
      await gasUsed(
        publicClient,
        await relayer.writeContract({ address: sgeId, abi: sgeIdAbi, functionName: 'mint', args: [holder] }),
      );
      const fee = deployment.feeMicroUsd;
      if (token === 'usdc') {
        await gasUsed(
          publicClient,
          await client.writeContract({
            address: usdc,
            abi: testUsdcAbi,
            functionName: 'mint',
            args: [holder, fee],
          }),
        );
        approveGas = await gasUsed(
          publicClient,
          await client.writeContract({
            address: usdc,
            abi: testUsdcAbi,
            functionName: 'approve',
            args: [sgeClaim, fee],
          }),
        );
      } else {
        await gasUsed(
          publicClient,
          await client.writeContract({
            address: usdt,
            abi: testUsdtAbi,
            functionName: 'mint',
            args: [holder, fee],
          }),
        );
        await gasUsed(
          publicClient,
          await client.writeContract({
            address: usdt,
            abi: testUsdtAbi,
            functionName: 'approve',
            args: [sgeClaim, fee],
          }),
        );
      }
      return await gasUsed(
        publicClient,
        await client.writeContract({
          address: sgeClaim,
          abi: sgeClaimAbi,
          functionName: token === 'usdc' ? 'claimWithUSDC' : 'claimWithUSDT',
        }),
      );
    };
    let approveGas = 0n;
    const claimGas = await claimWith(claimantKey, 'usdc');
    const claimUsdtGas = await claimWith(ANVIL_PRIVATE_KEYS[4], 'usdt');

    // Gasless claims: fresh wallets with an SGE-ID and USDC only, each signing one authorization.
    const relayFee = 500_000n;
    const gaslessKeys = Array.from({ length: 11 }, (_, index) =>
      keccak256(toHex(`sge-bench:gasless:${index}`)),
    );
    const gaslessAccounts = gaslessKeys.map((key) => privateKeyToAccount(key));
    await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'mintBatch',
        args: [gaslessAccounts.map((account) => account.address)],
      }),
    );
    const validBefore = (await publicClient.getBlock()).timestamp + 3_600n;
    const authorizations = [];
    for (const [index, account] of gaslessAccounts.entries()) {
      const value = deployment.feeMicroUsd + relayFee;
      await gasUsed(
        publicClient,
        await deployer.writeContract({
          address: usdc,
          abi: testUsdcAbi,
          functionName: 'mint',
          args: [account.address, value],
        }),
      );
      const nonce = keccak256(toHex(`sge-bench:nonce:${index}`));
      const signature = await account.signTypedData({
        domain: { name: 'USD Coin', version: '2', chainId: foundry.id, verifyingContract: usdc },
        types: {
          ReceiveWithAuthorization: [
            { name: 'from', type: 'address' },
            { name: 'to', type: 'address' },
            { name: 'value', type: 'uint256' },
            { name: 'validAfter', type: 'uint256' },
            { name: 'validBefore', type: 'uint256' },
            { name: 'nonce', type: 'bytes32' },
          ],
        },
        primaryType: 'ReceiveWithAuthorization',
        message: { from: account.address, to: sgeClaim, value, validAfter: 0n, validBefore, nonce },
      });
      const r = `0x${signature.slice(2, 66)}` as `0x${string}`;
      const sPart = `0x${signature.slice(66, 130)}` as `0x${string}`;
      const v = Number.parseInt(signature.slice(130, 132), 16);
      authorizations.push({
        from: account.address,
        value,
        validAfter: 0n,
        validBefore,
        nonce,
        v,
        r,
        s: sPart,
      });
    }
    const gaslessClaimGas = await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: sgeClaim,
        abi: sgeClaimAbi,
        functionName: 'claimWithAuthorization',
        args: [authorizations[0]!],
      }),
    );
    const gaslessBatchGas = await gasUsed(
      publicClient,
      await relayer.writeContract({
        address: sgeClaim,
        abi: sgeClaimAbi,
        functionName: 'claimWithAuthorizations',
        args: [authorizations.slice(1)],
      }),
    );

    const result = {
      mintSingleGas: Number(mintSingleGas),
      mintBatchGasPerMint: Math.ceil(Number(mintBatchGas) / BATCH_SIZE),
      payoutGasPerRecipientAt100WithApprovals: Math.ceil(Number(payoutGas) / BATCH_SIZE),
      claimGas: Number(claimGas),
      claimUsdtGas: Number(claimUsdtGas),
      approveGas: Number(approveGas),
      approvePlusClaimGas: Number(approveGas + claimGas),
      gaslessClaimGas: Number(gaslessClaimGas),
      gaslessClaimGasPerClaimAt10: Math.ceil(Number(gaslessBatchGas) / 10),
      gaslessBatchGasTotalAt10: Number(gaslessBatchGas),
      mintBatchGasTotal: Number(mintBatchGas),
      payoutBatchGasTotal: Number(payoutGas),
      batchSize: BATCH_SIZE,
      targets: TARGETS,
      pass: {
        mintSingleGas: Number(mintSingleGas) <= TARGETS.mintSingleGasMax,
        mintBatchGasPerMint: Number(mintBatchGas) / BATCH_SIZE <= TARGETS.mintBatchGasPerMintMax,
        payoutGasPerRecipientAt100WithApprovals:
          Number(payoutGas) / BATCH_SIZE <= TARGETS.payoutGasPerRecipientAt100WithApprovalsMax,
      },
      allPass: false,
    };
    result.allPass = Object.values(result.pass).every(Boolean);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.allPass ? 0 : 1;
  } finally {
    await anvil.stop();
  }
}

process.exitCode = await main();
