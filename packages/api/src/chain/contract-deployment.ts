import { existsSync } from 'node:fs';
import {
  deployContracts,
  deploymentFilePath,
  readDeploymentFile,
  type TDeployment,
  testUsdcAbi,
  writeDeploymentFile,
} from '@sge/contracts';
import { type Address, createWalletClient, getAddress, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { TContractAddresses } from '../config';
import type { Logger } from '../logging/logger';
import type { TChainConnection } from './chain-connection';

/** Test USDC the Mock payout contract starts with: 1,000,000 USDC. */
export const MOCK_PAYOUT_FUNDING_MICRO_USDC = 1_000_000n * 1_000_000n;

/**
 * Mock mode: the contracts on the embedded chain. The deployment record lives in DATA_DIR beside the
 * chain state, so they are reset together; when the record exists, its code is on the chain and it has the
 * configured admins' wallets as payout approvers, it is reused (a restart deploys nothing), otherwise
 * everything is deployed afresh by the development deployer.
 */
export async function ensureMockDeployment(options: {
  chain: TChainConnection;
  rpcUrl: string;
  dataDir: string;
  deployerPrivateKey: Hex;
  treasury: `0x${string}`;
  /** The payout approvers: the wallets of the configured admins (Mock mode's demo admins by default). */
  approvers: Address[];
  logger: Logger;
}): Promise<TDeployment> {
  const { chain, dataDir, logger } = options;
  if (existsSync(deploymentFilePath(chain.chainId, dataDir))) {
    const existing = readDeploymentFile(chain.chainId, dataDir);
    const code = await chain.publicClient.getCode({ address: existing.contracts.sgeId });
    const sameApprovers =
      existing.approvers.length === options.approvers.length &&
      options.approvers.every((approver) => existing.approvers.includes(getAddress(approver)));
    if (code && code !== '0x' && existing.relayer === chain.relayer.address && sameApprovers) {
      logger.info({ contracts: existing.contracts }, 'reusing the Mock deployment');
      return existing;
    }
  }
  const walletClient = createWalletClient({
    chain: chain.chain,
    transport: http(options.rpcUrl),
    account: privateKeyToAccount(options.deployerPrivateKey),
  });
  const deployment = await deployContracts({
    publicClient: chain.publicClient,
    walletClient,
    relayer: chain.relayer.address,
    treasury: options.treasury,
    approvers: options.approvers,
  });
  // The treasury's part in Mock mode: fund the payout contract with test USDC so payouts work at once.
  const funding = await walletClient.writeContract({
    address: deployment.contracts.usdc,
    abi: testUsdcAbi,
    functionName: 'mint',
    args: [deployment.contracts.payout, MOCK_PAYOUT_FUNDING_MICRO_USDC],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash: funding });
  writeDeploymentFile(deployment, dataDir);
  logger.info({ contracts: deployment.contracts }, 'deployed the contracts to the Mock chain');
  return deployment;
}

/**
 * Real mode: contract addresses from the environment, each falling back to the deployment record that
 * `npm run deploy:local` / `deploy:mainnet` wrote for this chain (packages/contracts/deployments/<id>.json).
 */
export function resolveContractAddresses(
  configured: TContractAddresses,
  chainId: number,
): {
  contracts: TContractAddresses;
  source: 'environment' | 'deployment file' | 'environment and deployment file';
} {
  const path = deploymentFilePath(chainId);
  if (!existsSync(path)) return { contracts: configured, source: 'environment' };
  const recorded = readDeploymentFile(chainId).contracts;
  const contracts = { ...configured };
  let usedFile = false;
  for (const key of Object.keys(contracts) as (keyof TContractAddresses)[]) {
    if (contracts[key] === null && recorded[key]) {
      contracts[key] = recorded[key];
      usedFile = true;
    }
  }
  const anyFromEnv = Object.values(configured).some((address) => address !== null);
  return {
    contracts,
    source: usedFile ? (anyFromEnv ? 'environment and deployment file' : 'deployment file') : 'environment',
  };
}
