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
import type { TSendPayoutTransaction } from '../../src/domain/payouts/execute-payout-batch';

/** USDC minted into the payout contract at the start (1,000,000,000 USDC): the treasury's funding. */
export const PAYOUT_CONTRACT_FUNDING_MICRO_USDC = 10n ** 15n;

export type TPayoutChain = {
  anvil: TAnvil;
  deployment: TDeployment;
  publicClient: PublicClient;
  sendPayoutTransaction: TSendPayoutTransaction;
  /** How many payBatch transactions the sender actually broadcast. */
  broadcasts(): number;
  usdcBalanceOf(wallet: Address): Promise<bigint>;
  batchPaid(onChainBatchId: bigint): Promise<boolean>;
  stop(): Promise<void>;
};

/**
 * A real local chain for payout tests: anvil, the platform's contracts deployed by anvil's account #0 with
 * #1 as the relayer, and the SGEPayout contract funded with TestUSDC. Its sendPayoutTransaction is a real
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
  const sendPayoutTransaction: TSendPayoutTransaction = async (request) => {
    const contract = request.payoutContract ?? payout;
    const paidBlock = await publicClient.readContract({
      address: contract,
      abi: sgePayoutAbi,
      functionName: 'batchPaidBlock',
      args: [request.onChainBatchId],
    });
    if (paidBlock !== 0n) {
      const [paid] = await publicClient.getContractEvents({
        address: contract,
        abi: sgePayoutAbi,
        eventName: 'BatchPaid',
        args: { batchId: request.onChainBatchId },
        fromBlock: paidBlock,
        toBlock: paidBlock,
      });
      if (!paid)
        throw new Error(`batch ${request.batchId} is paid in block ${paidBlock} but has no BatchPaid event`);
      return { txHash: paid.transactionHash, blockNumber: paidBlock };
    }
    const hash = await relayer.writeContract({
      address: contract,
      abi: sgePayoutAbi,
      functionName: 'payBatch',
      args: [request.onChainBatchId, request.token, request.recipients, request.amounts],
    });
    broadcasts++;
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`payBatch ${hash} reverted`);
    return { txHash: hash, blockNumber: receipt.blockNumber };
  };

  return {
    anvil,
    deployment,
    publicClient,
    sendPayoutTransaction,
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
    stop: () => anvil.stop(),
  };
}
