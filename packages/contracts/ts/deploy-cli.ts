/**
 * Deploy CLI: `tsx ts/deploy-cli.ts local|mainnet [--yes]`
 * (`npm run deploy:local -w @sge/contracts`, `npm run deploy:mainnet -w @sge/contracts -- --yes`).
 *
 * Environment (local defaults in brackets; mainnet has no defaults for keys and addresses):
 *   RPC_URL               JSON-RPC endpoint [http://127.0.0.1:8545]
 *   CHAIN_ID              chain id the RPC must report [31337]; mainnet is always 1
 *   DEPLOYER_PRIVATE_KEY  signs and pays the deployment [anvil account #0]
 *   RELAYER_ADDRESS       relayer hot wallet, or RELAYER_PRIVATE_KEY to derive it [anvil account #1]
 *   TREASURY_ADDRESS      receiver of claim fees [anvil account #2]
 *   OWNER_ADDRESS         owner of the contracts: on mainnet REQUIRED and must be the treasury Safe (a
 *                         contract); handed over 2-step, so it must call acceptOwnership() on each
 *                         contract [local: the deployer]
 *   APPROVER_ADDRESSES    comma-separated SGEPayout approvers (people's wallets or Safes; a payout batch
 *                         needs two distinct ones) [local: anvil accounts #7 and #8, the Mock demo
 *                         admins; mainnet: none, the owner adds them]
 *   SGE_TOKEN_ADDRESS     existing SGE token (mainnet only, required; mainnet USDC/USDT are fixed)
 *   FEE_MICRO_USD         claim fee in 6-decimal units [100000000 = 100 USD]
 *   CLAIM_AMOUNT_WEI      SGE per claim in wei [1000 SGE]
 *   REQUIRE_SGE_ID        claiming requires an SGE-ID: true|false [true]
 *   FUND_CLAIM_VAULT_WEI  test SGE minted into the claim vault (local only) [1,000,000 SGE]
 *   SGE_ID_BASE_URI       SGE-ID token URI prefix [empty]
 *   DEPLOYMENTS_DIR       where <chainId>.json is written [packages/contracts/deployments]
 *   CONFIRM_MAINNET=yes   same as --yes: required before anything is sent to mainnet
 *
 * Both networks refuse when the RPC's chain id differs from the expected one and when the deployer's
 * balance is below the estimated worst-case cost. On success the contract addresses are printed on
 * stdout as `.env` lines (and only those); progress goes to stderr.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  formatGwei,
  getAddress,
  type Hex,
  http,
  isAddress,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS } from './anvil';
import {
  DEFAULT_CLAIM_AMOUNT_WEI,
  DEFAULT_FEE_MICRO_USD,
  DEFAULT_FUND_CLAIM_VAULT_WEI,
  deployContracts,
  estimateDeploymentCost,
  MAINNET_USDC_ADDRESS,
  MAINNET_USDT_ADDRESS,
  type TDeployContractsParams,
} from './deploy';
import { deploymentsDir, toEnvLines, writeDeploymentFile } from './deployment-file';

export type TNetwork = 'local' | 'mainnet';

const LOCAL_RPC_URL = 'http://127.0.0.1:8545';
const LOCAL_CHAIN_ID = 31337;
const MAINNET_CHAIN_ID = 1;

/** A refusal or configuration problem: printed without a stack trace, exit code 1. */
export class DeployCliError extends Error {}

export type TDeployCliConfig = {
  network: TNetwork;
  rpcUrl: string;
  expectedChainId: number;
  deployerPrivateKey: Hex;
  relayer: Address;
  treasury: Address;
  owner?: Address;
  approvers: Address[];
  tokens?: TDeployContractsParams['tokens'];
  feeMicroUsd: bigint;
  claimAmountWei: bigint;
  requireSgeId: boolean;
  fundClaimVaultWei?: bigint;
  sgeIdBaseUri: string;
  confirmed: boolean;
  deploymentsDir: string;
};

function privateKey(value: string, name: string): Hex {
  const key = value.startsWith('0x') ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new DeployCliError(`${name} is not a 32-byte hex private key`);
  return key as Hex;
}

function address(value: string, name: string): Address {
  if (!isAddress(value, { strict: false })) throw new DeployCliError(`${name} is not an address: ${value}`);
  return getAddress(value);
}

function unsignedInteger(value: string | undefined, name: string, fallback: bigint): bigint {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value))
    throw new DeployCliError(`${name} must be a non-negative integer, got "${value}"`);
  return BigInt(value);
}

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw new DeployCliError(`${name} must be true or false, got "${value}"`);
}

function required(env: NodeJS.ProcessEnv, name: string, network: TNetwork): string {
  const value = env[name];
  if (!value) throw new DeployCliError(`${name} is required for deploy:${network}`);
  return value;
}

/** Reads and validates the CLI's configuration from arguments and environment (no network access). */
export function resolveCliConfig(
  network: TNetwork,
  argv: string[],
  env: NodeJS.ProcessEnv,
): TDeployCliConfig {
  const isMainnet = network === 'mainnet';
  const anvilAddress = (index: 1 | 2 | 7 | 8) => privateKeyToAccount(ANVIL_PRIVATE_KEYS[index]).address;

  const rpcUrl = isMainnet ? required(env, 'RPC_URL', network) : env.RPC_URL || LOCAL_RPC_URL;
  let expectedChainId = LOCAL_CHAIN_ID;
  if (isMainnet) {
    expectedChainId = MAINNET_CHAIN_ID;
    if (env.CHAIN_ID && Number(env.CHAIN_ID) !== MAINNET_CHAIN_ID) {
      throw new DeployCliError(
        `CHAIN_ID=${env.CHAIN_ID} contradicts deploy:mainnet, which always targets chain id 1`,
      );
    }
  } else if (env.CHAIN_ID) {
    expectedChainId = Number(env.CHAIN_ID);
    if (!Number.isSafeInteger(expectedChainId) || expectedChainId <= 0) {
      throw new DeployCliError(`CHAIN_ID must be a positive integer, got "${env.CHAIN_ID}"`);
    }
  }

  const deployerPrivateKey = isMainnet
    ? privateKey(required(env, 'DEPLOYER_PRIVATE_KEY', network), 'DEPLOYER_PRIVATE_KEY')
    : privateKey(env.DEPLOYER_PRIVATE_KEY || ANVIL_PRIVATE_KEYS[0], 'DEPLOYER_PRIVATE_KEY');

  let relayer: Address;
  if (env.RELAYER_ADDRESS) relayer = address(env.RELAYER_ADDRESS, 'RELAYER_ADDRESS');
  else if (env.RELAYER_PRIVATE_KEY) {
    relayer = privateKeyToAccount(privateKey(env.RELAYER_PRIVATE_KEY, 'RELAYER_PRIVATE_KEY')).address;
  } else if (isMainnet)
    throw new DeployCliError('RELAYER_ADDRESS or RELAYER_PRIVATE_KEY is required for deploy:mainnet');
  else relayer = anvilAddress(1);

  const treasury = isMainnet
    ? address(required(env, 'TREASURY_ADDRESS', network), 'TREASURY_ADDRESS')
    : address(env.TREASURY_ADDRESS || anvilAddress(2), 'TREASURY_ADDRESS');
  if (isMainnet && !env.OWNER_ADDRESS) {
    throw new DeployCliError(
      'OWNER_ADDRESS is required for deploy:mainnet: it must be the treasury Safe (multisig) that will own the contracts',
    );
  }
  const owner = env.OWNER_ADDRESS ? address(env.OWNER_ADDRESS, 'OWNER_ADDRESS') : undefined;
  const approvers = env.APPROVER_ADDRESSES
    ? env.APPROVER_ADDRESSES.split(',').map((entry, index) =>
        address(entry.trim(), `APPROVER_ADDRESSES entry ${index + 1}`),
      )
    : isMainnet
      ? []
      : [anvilAddress(7), anvilAddress(8)];
  for (const [index, approver] of approvers.entries()) {
    if (approvers.indexOf(approver) !== index) {
      throw new DeployCliError(`APPROVER_ADDRESSES entry ${index + 1} (${approver}) is listed twice`);
    }
    if (approver === relayer) {
      throw new DeployCliError(
        `APPROVER_ADDRESSES entry ${index + 1} (${approver}) is the relayer: the hot key must not approve payouts`,
      );
    }
  }
  const tokens = isMainnet
    ? {
        usdc: MAINNET_USDC_ADDRESS,
        usdt: MAINNET_USDT_ADDRESS,
        sge: address(required(env, 'SGE_TOKEN_ADDRESS', network), 'SGE_TOKEN_ADDRESS'),
      }
    : undefined;

  const claimAmountWei = unsignedInteger(env.CLAIM_AMOUNT_WEI, 'CLAIM_AMOUNT_WEI', DEFAULT_CLAIM_AMOUNT_WEI);
  if (claimAmountWei === 0n) throw new DeployCliError('CLAIM_AMOUNT_WEI must be positive');
  return {
    network,
    rpcUrl,
    expectedChainId,
    deployerPrivateKey,
    relayer,
    treasury,
    owner,
    approvers,
    tokens,
    feeMicroUsd: unsignedInteger(env.FEE_MICRO_USD, 'FEE_MICRO_USD', DEFAULT_FEE_MICRO_USD),
    claimAmountWei,
    requireSgeId: flag(env.REQUIRE_SGE_ID, 'REQUIRE_SGE_ID', true),
    fundClaimVaultWei: isMainnet
      ? undefined
      : unsignedInteger(env.FUND_CLAIM_VAULT_WEI, 'FUND_CLAIM_VAULT_WEI', DEFAULT_FUND_CLAIM_VAULT_WEI),
    sgeIdBaseUri: env.SGE_ID_BASE_URI ?? '',
    confirmed: argv.includes('--yes') || env.CONFIRM_MAINNET === 'yes',
    deploymentsDir: deploymentsDir(env),
  };
}

type TOutput = { stdout: (text: string) => void; stderr: (text: string) => void };

/**
 * Runs the deploy CLI and returns its exit code (0 deployed, 1 refused or failed, 2 usage).
 *
 * @example
 * process.exitCode = await runDeployCli('local', [], process.env);
 */
export async function runDeployCli(
  network: TNetwork,
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: TOutput = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  const log = (line: string) => output.stderr(`${line}\n`);
  try {
    const config = resolveCliConfig(network, argv, env);
    const transport = http(config.rpcUrl, { retryCount: 1, timeout: 30_000 });
    const publicClient = createPublicClient({ transport });

    let chainId: number;
    try {
      chainId = await publicClient.getChainId();
    } catch (cause) {
      throw new DeployCliError(
        `cannot reach RPC_URL ${config.rpcUrl}: ${(cause as Error).message.split('\n')[0]}`,
      );
    }
    if (chainId !== config.expectedChainId) {
      throw new DeployCliError(
        `chain id mismatch: RPC_URL ${config.rpcUrl} reports chain id ${chainId}, but deploy:${network} expects chain id ${config.expectedChainId}; refusing to deploy`,
      );
    }

    const account = privateKeyToAccount(config.deployerPrivateKey);
    if (network === 'mainnet') {
      const publicKeys = new Set(ANVIL_PRIVATE_KEYS.map((key) => privateKeyToAccount(key).address));
      if (publicKeys.has(account.address)) {
        throw new DeployCliError(
          'DEPLOYER_PRIVATE_KEY is a public anvil development key; refusing to use it on mainnet',
        );
      }
      for (const [name, value] of [
        ['RELAYER_ADDRESS', config.relayer],
        ['TREASURY_ADDRESS', config.treasury],
        ['OWNER_ADDRESS', config.owner],
        ...config.approvers.map((approver) => ['APPROVER_ADDRESSES', approver] as const),
      ] as const) {
        if (value && publicKeys.has(value)) {
          throw new DeployCliError(
            `${name} ${value} is a public anvil development account; refusing on mainnet`,
          );
        }
      }
      for (const [name, token] of Object.entries(config.tokens ?? {})) {
        const code = await publicClient.getCode({ address: token });
        if (!code || code === '0x')
          throw new DeployCliError(`${name} token ${token} has no code on chain ${chainId}`);
      }
      const ownerCode = config.owner ? await publicClient.getCode({ address: config.owner }) : undefined;
      if (!ownerCode || ownerCode === '0x') {
        throw new DeployCliError(
          `OWNER_ADDRESS ${config.owner} has no code on chain ${chainId}: it must be the treasury Safe (a multisig contract), not a key`,
        );
      }
    }

    const chain = defineChain({
      id: chainId,
      name: network === 'mainnet' ? 'Ethereum' : `Local ${chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [config.rpcUrl] } },
    });
    const walletClient = createWalletClient({ account, chain, transport });
    const params: TDeployContractsParams = {
      publicClient,
      walletClient,
      relayer: config.relayer,
      treasury: config.treasury,
      owner: config.owner,
      approvers: config.approvers,
      feeMicroUsd: config.feeMicroUsd,
      claimAmountWei: config.claimAmountWei,
      tokens: config.tokens,
      fundClaimVaultWei: config.fundClaimVaultWei,
      requireSgeId: config.requireSgeId,
      sgeIdBaseUri: config.sgeIdBaseUri,
      onProgress: log,
    };

    const estimate = await estimateDeploymentCost(params);
    const balanceWei = await publicClient.getBalance({ address: account.address });
    log(
      `deploy:${network} on chain ${chainId}: deployer ${account.address}, balance ${formatEther(balanceWei)} ETH, ` +
        `estimated ${estimate.transactionCount} transactions, ${estimate.gas} gas, at most ` +
        `${formatEther(estimate.costWei)} ETH (max fee ${formatGwei(estimate.maxFeePerGasWei)} gwei)`,
    );
    if (balanceWei < estimate.costWei) {
      throw new DeployCliError(
        `deployer ${account.address} balance ${formatEther(balanceWei)} ETH (${balanceWei} wei) is below the estimated ` +
          `deployment cost ${formatEther(estimate.costWei)} ETH (${estimate.costWei} wei = ${estimate.gas} gas × ` +
          `${estimate.maxFeePerGasWei} wei max fee); fund it and retry`,
      );
    }

    if (network === 'mainnet' && !config.confirmed) {
      log(
        `about to deploy to MAINNET: relayer ${config.relayer}, treasury ${config.treasury}, owner ${config.owner ?? account.address}, ` +
          `approvers [${config.approvers.join(', ')}], ` +
          `SGE ${config.tokens?.sge}, fee ${config.feeMicroUsd} micro-USD, claim ${config.claimAmountWei} wei, ` +
          `requireSgeId ${config.requireSgeId}`,
      );
      throw new DeployCliError('mainnet deployment not confirmed: pass --yes or set CONFIRM_MAINNET=yes');
    }

    const deployment = await deployContracts(params);
    const path = writeDeploymentFile(deployment, config.deploymentsDir);
    log(`wrote ${path}`);
    if (deployment.owner !== deployment.deployer) {
      log(
        `reminder: ${deployment.owner} must call acceptOwnership() on SGEID, SGEClaim, SGEPayout and AffiliateRegistry` +
          `${deployment.testTokens ? ' and SGEToken' : ''} to own them; until then the deployer does`,
      );
    }
    if (network === 'mainnet') {
      log(`reminder: fund the claim vault by transferring SGE to SGEClaim ${deployment.contracts.sgeClaim}`);
    }
    output.stdout(`${toEnvLines(deployment).join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DeployCliError) {
      log(`deploy:${network}: ${error.message}`);
      return 1;
    }
    log(
      `deploy:${network} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [network, ...rest] = process.argv.slice(2);
  if (network !== 'local' && network !== 'mainnet') {
    process.stderr.write('usage: tsx ts/deploy-cli.ts <local|mainnet> [--yes]\n');
    process.exitCode = 2;
  } else {
    process.exitCode = await runDeployCli(network, rest, process.env);
  }
}
