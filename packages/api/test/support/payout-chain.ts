import {
  ANVIL_PRIVATE_KEYS,
  deployContracts,
  sgePayoutAbi,
  startAnvil,
  type TAnvil,
  type TDeployment,
  testUsdcAbi,
} from '@sge/contracts';
import { type Address, createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { findBatchPayment, payBatchData, skippedIn } from '../../src/chain/payout-sender';
import type { TSendPayoutTransaction } from '../../src/domain/payouts/execute-payout-batch';
import type { TVoidPayoutBatch } from '../../src/domain/payouts/release-payout-batch';
import { APPROVER_ACCOUNTS } from './payout-approvers';

/** USDC minted into the payout contract at the start (1,000,000,000 USDC): the treasury's funding. */
export const PAYOUT_CONTRACT_FUNDING_MICRO_USDC = 10n ** 15n;

export type TPayoutChain = {
  anvil: TAnvil;
  deployment: TDeployment;
  publicClient: PublicClient;
  sendPayoutTransaction: TSendPayoutTransaction;
  /** Voids a batch on the contract (SGEPayout.voidBatch from the relayer), as a cancellation does. */
  voidPayoutBatch: TVoidPayoutBatch;
  /** How many payBatch transactions the sender actually broadcast. */
  broadcasts(): number;
  usdcBalanceOf(wallet: Address): Promise<bigint>;
  batchPaid(onChainBatchId: bigint): Promise<boolean>;
  batchVoided(onChainBatchId: bigint): Promise<boolean>;
  stop(): Promise<void>;
};

/**
 * A real local chain for payout tests: anvil, the platform's contracts deployed by anvil's account #0 with
 * #1 as the relayer and #7, #8 as the payout approvers (APPROVER_ACCOUNTS), and the SGEPayout contract
 * funded with TestUSDC. Its sendPayoutTransaction is a real
 * implementation of the chain boundary (what the relayer does, minus nonce management): it asks the
 * contract whether the batch was paid and returns that payment, and otherwise sends `payBatch` from the
 * relayer and waits for the receipt.
 */
export async function startPayoutChain(): Promise<TPayoutChain> {
  const anvil = await startAnvil({ chainId: foundry.id });
  const chain = { ...foundry, rpcUrls: { default: { http: [anvil.rpcUrl] } } };
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 }) as PublicClient;
  const deployer = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
  });
  const relayer = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[1]),
  });
  const deployment = await deployContracts({
    publicClient,
    walletClient: deployer,
    relayer: relayer.account.address,
    treasury: privateKeyToAccount(ANVIL_PRIVATE_KEYS[2]).address,
    approvers: APPROVER_ACCOUNTS.map((account) => account.address),
  });
  const { payout, usdc } = deployment.contracts;
  const mint = await deployer.writeContract({
    address: usdc,
    abi: testUsdcAbi,
    functionName: 'mint',
    args: [payout, PAYOUT_CONTRACT_FUNDING_MICRO_USDC],
  });
  await publicClient.waitForTransactionReceipt({ hash: mint });

  let broadcasts = 0;
  // What the relayer does, minus nonce management: the chain's answers are read by the same functions.
  const sendPayoutTransaction: TSendPayoutTransaction = async (request) => {
    const contract = request.payoutContract;
    const existing = await findBatchPayment(publicClient, contract, request.onChainBatchId, new Map());
    if (existing) return existing;
    const hash = await relayer.sendTransaction({ to: contract, data: payBatchData(request) });
    broadcasts++;
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`payBatch ${hash} reverted`);
    return {
      txHash: hash,
      blockNumber: receipt.blockNumber,
      skipped: skippedIn(receipt.logs, request.onChainBatchId, new Map()),
    };
  };

  const voidPayoutBatch: TVoidPayoutBatch = async ({ payoutContract, onChainBatchId }) => {
    const paid = await findBatchPayment(publicClient, payoutContract, onChainBatchId, new Map());
    if (paid) return { voided: false, paidTxHash: paid.txHash };
    const hash = await relayer.writeContract({
      address: payoutContract,
      abi: sgePayoutAbi,
      functionName: 'voidBatch',
      args: [onChainBatchId],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`voidBatch ${hash} reverted`);
    return { voided: true, txHash: hash };
  };

  return {
    anvil,
    deployment,
    publicClient,
    sendPayoutTransaction,
    voidPayoutBatch,
    broadcasts: () => broadcasts,
    usdcBalanceOf: (wallet) =>
      publicClient.readContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'balanceOf',
        args: [wallet],
      }),
    batchPaid: (onChainBatchId) =>
      publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'batchPaid',
        args: [onChainBatchId],
      }),
    batchVoided: (onChainBatchId) =>
      publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'batchVoided',
        args: [onChainBatchId],
      }),
    stop: () => anvil.stop(),
  };
}
