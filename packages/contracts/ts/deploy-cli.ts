/**
 * Deploy CLI: `tsx ts/deploy-cli.ts <network> [--yes]` or `tsx ts/deploy-cli.ts --network <network> [--yes]`
 * (`npm run deploy -- --network sepolia`, shortcuts `npm run deploy:local` and `npm run deploy:mainnet -- --yes`).
 * <network> is a key or alias of the network registry (`@sge/shared` networks.ts): local, ethereum (mainnet),
 * sepolia, base, base-sepolia, arbitrum, optimism.
 *
 * Environment (local defaults in brackets; public networks have no defaults for keys and addresses):
 *   RPC_URL               JSON-RPC endpoint [http://127.0.0.1:8545]; required on public networks
 *   CHAIN_ID              local: chain id the RPC must report [31337]; public networks: the registry's, and
 *                         CHAIN_ID, when set, must agree with it
 *   DEPLOYER_PRIVATE_KEY  signs and pays the deployment [anvil account #0]
 *   RELAYER_ADDRESS       relayer hot wallet, or RELAYER_PRIVATE_KEY to derive it [anvil account #1]
 *   TREASURY_ADDRESS      receiver of claim fees [anvil account #2]
 *   OWNER_ADDRESS         owner of the contracts: on a mainnet REQUIRED and must be the treasury Safe (a
 *                         contract); handed over 2-step, so it must call acceptOwnership() on each
 *                         contract [local and testnets: the deployer]
 *   APPROVER_ADDRESSES    comma-separated SGEPayout approvers (people's wallets or Safes; a payout batch
 *                         needs two distinct ones) [local: anvil accounts #7 and #8, the Mock demo
 *                         admins; public networks: none, the owner adds them]
 *   USDC_ADDRESS          USDC the claim contract accepts [the network's canonical USDC (Circle's); local:
 *                         a TestUSDC is deployed]
 *   USDT_ADDRESS          USDT [the network's canonical USDT; local, and testnets without one: a TestUSDT]
 *   SGE_TOKEN_ADDRESS     existing SGE token [required on mainnets; local and testnets: an SGEToken is deployed]
 *   FEE_MICRO_USD         claim fee in 6-decimal units [100000000 = 100 USD]
 *   CLAIM_AMOUNT_WEI      SGE per claim in wei [1000 SGE]
 *   REQUIRE_SGE_ID        claiming requires an SGE-ID: true|false [true]
 *   FUND_CLAIM_VAULT_WEI  SGE minted into the claim vault when the SGEToken is deployed [1,000,000 SGE]
 *   SGE_ID_BASE_URI       SGE-ID token URI prefix [empty]
 *   DEPLOYMENTS_DIR       where <chainId>.json is written [packages/contracts/deployments]
 *   CONFIRM_MAINNET=yes   same as --yes: required before anything is sent to a public network
 *
 * Test tokens (TestUSDC and TestUSDT can be minted by anyone) are deployed only for a token with no address:
 * on a local chain, or on a testnet where the issuer has no canonical token. deploy:local refuses to deploy
 * them on a chain id the registry knows as public. Every network refuses an RPC whose chain id differs from the
 * expected one, a token address without code, and a deployer whose balance is below the estimated worst-case
 * cost (on OP-stack chains the L1 data fee included). On success the contract addresses are printed on stdout
 * as `.env` lines (and only those); progress goes to stderr.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPublicChainId, NETWORKS, networkByChainId, networkByName, type TNetwork } from '@sge/shared';
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
  type TDeployContractsParams,
  type TExistingTokens,
} from './deploy';
import { deploymentsDir, toEnvLines, writeDeploymentFile } from './deployment-file';

const LOCAL_RPC_URL = 'http://127.0.0.1:8545';

/** A refusal or configuration problem: printed without a stack trace, exit code 1. */
export class DeployCliError extends Error {}

type TTokenName = keyof TExistingTokens;
/** The variable that names an existing token, and the test token deployed in its place where allowed. */
const TOKEN_SETTINGS = {
  usdc: { variable: 'USDC_ADDRESS', testToken: 'TestUSDC', label: 'USDC' },
  usdt: { variable: 'USDT_ADDRESS', testToken: 'TestUSDT', label: 'USDT' },
  sge: { variable: 'SGE_TOKEN_ADDRESS', testToken: 'SGEToken', label: 'SGE' },
} as const satisfies Record<TTokenName, { variable: string; testToken: string; label: string }>;

/** Where each token comes from: an existing contract (the operator's or the issuer's) or a test token. */
export type TTokenSource =
  | { kind: 'existing'; address: Address; from: 'override' | 'canonical' }
  | { kind: 'test-token'; contract: string };

export type TDeployCliConfig = {
  /** The name the CLI was called with (`local`, `mainnet`, `sepolia`, ...): messages say `deploy:<label>`. */
  label: string;
  network: TNetwork;
  rpcUrl: string;
  expectedChainId: number;
  deployerPrivateKey: Hex;
  relayer: Address;
  treasury: Address;
  owner?: Address;
  approvers: Address[];
  tokens: Record<TTokenName, TTokenSource>;
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

function required(env: NodeJS.ProcessEnv, name: string, label: string): string {
  const value = env[name];
  if (!value) throw new DeployCliError(`${name} is required for deploy:${label}`);
  return value;
}

/** The registry entry for a CLI network name, or a usage error listing the known ones. */
export function networkOf(name: string): TNetwork {
  const network = networkByName(name);
  if (!network) {
    const known = NETWORKS.map((entry) => [entry.key, ...entry.aliases].join('|')).join(', ');
    throw new DeployCliError(`unknown network "${name}"; known networks: ${known}`);
  }
  return network;
}

/**
 * Where each token comes from on `network` (`chainId` is the one the RPC must report): the `*_ADDRESS`
 * variable, else the issuer's canonical token, else a test token — only on a local chain whose chain id is
 * not a public one, or on a testnet (where the issuer has no token; testnet tokens are worthless). On a
 * mainnet a token without an address is refused, naming its variable.
 */
export function resolveTokenSources(
  network: TNetwork,
  chainId: number,
  env: NodeJS.ProcessEnv,
  label: string,
): Record<TTokenName, TTokenSource> {
  const canonical: Record<TTokenName, string | null> = { ...network.tokens, sge: null };
  const sources = {} as Record<TTokenName, TTokenSource>;
  for (const name of Object.keys(TOKEN_SETTINGS) as TTokenName[]) {
    const setting = TOKEN_SETTINGS[name];
    const override = env[setting.variable];
    const known = canonical[name];
    if (override)
      sources[name] = { kind: 'existing', address: address(override, setting.variable), from: 'override' };
    else if (known) sources[name] = { kind: 'existing', address: getAddress(known), from: 'canonical' };
    else if (network.kind === 'mainnet') {
      throw new DeployCliError(
        `${setting.variable} is required for deploy:${label}: ${network.name} has no canonical ${setting.label} in the network registry`,
      );
    } else if (network.kind === 'local' && isPublicChainId(chainId)) {
      const publicNetwork = networkByChainId(chainId)!;
      throw new DeployCliError(
        `chain id ${chainId} is ${publicNetwork.name}, a public network: deploy:${label} will not deploy ${setting.testToken}, ` +
          `which anyone can mint; set ${setting.variable} or use npm run deploy -- --network ${publicNetwork.key}`,
      );
    } else sources[name] = { kind: 'test-token', contract: setting.testToken };
  }
  return sources;
}

/** Reads and validates the CLI's configuration from arguments and environment (no network access). */
export function resolveCliConfig(label: string, argv: string[], env: NodeJS.ProcessEnv): TDeployCliConfig {
  const network = networkOf(label);
  const isLocal = network.kind === 'local';
  const isMainnet = network.kind === 'mainnet';
  const anvilAddress = (index: 1 | 2 | 7 | 8) => privateKeyToAccount(ANVIL_PRIVATE_KEYS[index]).address;

  const rpcUrl = isLocal ? env.RPC_URL || LOCAL_RPC_URL : required(env, 'RPC_URL', label);
  let expectedChainId = network.chainId;
  if (env.CHAIN_ID) {
    const chainId = Number(env.CHAIN_ID);
    if (!/^\d+$/.test(env.CHAIN_ID) || !Number.isSafeInteger(chainId) || chainId <= 0) {
      throw new DeployCliError(`CHAIN_ID must be a positive integer, got "${env.CHAIN_ID}"`);
    }
    if (isLocal) expectedChainId = chainId;
    else if (chainId !== network.chainId) {
      throw new DeployCliError(
        `CHAIN_ID=${env.CHAIN_ID} contradicts deploy:${label}, which always targets chain id ${network.chainId} (${network.name})`,
      );
    }
  }

  const deployerPrivateKey = isLocal
    ? privateKey(env.DEPLOYER_PRIVATE_KEY || ANVIL_PRIVATE_KEYS[0], 'DEPLOYER_PRIVATE_KEY')
    : privateKey(required(env, 'DEPLOYER_PRIVATE_KEY', label), 'DEPLOYER_PRIVATE_KEY');

  let relayer: Address;
  if (env.RELAYER_ADDRESS) relayer = address(env.RELAYER_ADDRESS, 'RELAYER_ADDRESS');
  else if (env.RELAYER_PRIVATE_KEY) {
    relayer = privateKeyToAccount(privateKey(env.RELAYER_PRIVATE_KEY, 'RELAYER_PRIVATE_KEY')).address;
  } else if (!isLocal)
    throw new DeployCliError(`RELAYER_ADDRESS or RELAYER_PRIVATE_KEY is required for deploy:${label}`);
  else relayer = anvilAddress(1);

  const treasury = isLocal
    ? address(env.TREASURY_ADDRESS || anvilAddress(2), 'TREASURY_ADDRESS')
    : address(required(env, 'TREASURY_ADDRESS', label), 'TREASURY_ADDRESS');
  if (isMainnet && !env.OWNER_ADDRESS) {
    throw new DeployCliError(
      `OWNER_ADDRESS is required for deploy:${label}: it must be the treasury Safe (multisig) that will own the contracts`,
    );
  }
  const owner = env.OWNER_ADDRESS ? address(env.OWNER_ADDRESS, 'OWNER_ADDRESS') : undefined;
  const approvers = env.APPROVER_ADDRESSES
    ? env.APPROVER_ADDRESSES.split(',').map((entry, index) =>
        address(entry.trim(), `APPROVER_ADDRESSES entry ${index + 1}`),
      )
    : isLocal
      ? [anvilAddress(7), anvilAddress(8)]
      : [];
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
  const tokens = resolveTokenSources(network, expectedChainId, env, label);

  const claimAmountWei = unsignedInteger(env.CLAIM_AMOUNT_WEI, 'CLAIM_AMOUNT_WEI', DEFAULT_CLAIM_AMOUNT_WEI);
  if (claimAmountWei === 0n) throw new DeployCliError('CLAIM_AMOUNT_WEI must be positive');
  return {
    label,
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
    fundClaimVaultWei:
      tokens.sge.kind === 'test-token'
        ? unsignedInteger(env.FUND_CLAIM_VAULT_WEI, 'FUND_CLAIM_VAULT_WEI', DEFAULT_FUND_CLAIM_VAULT_WEI)
        : undefined,
    sgeIdBaseUri: env.SGE_ID_BASE_URI ?? '',
    confirmed: argv.includes('--yes') || env.CONFIRM_MAINNET === 'yes',
    deploymentsDir: deploymentsDir(env),
  };
}

type TOutput = { stdout: (text: string) => void; stderr: (text: string) => void };

/** The CLI's network name from its arguments: `<network>` or `--network <network>`; the rest are flags. */
export function parseCliArguments(args: string[]): { label: string | null; flags: string[] } {
  const flags: string[] = [];
  let label: string | null = null;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--network') {
      label = args[index + 1] ?? null;
      index += 1;
    } else if (arg.startsWith('--network=')) label = arg.slice('--network='.length);
    else if (!arg.startsWith('-') && label === null) label = arg;
    else flags.push(arg);
  }
  return { label, flags };
}

/**
 * Runs the deploy CLI and returns its exit code (0 deployed, 1 refused or failed, 2 usage).
 *
 * @example
 * process.exitCode = await runDeployCli('sepolia', ['--yes'], process.env);
 */
export async function runDeployCli(
  label: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: TOutput = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  const log = (line: string) => output.stderr(`${line}\n`);
  try {
    const config = resolveCliConfig(label, argv, env);
    const { network } = config;
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
        `chain id mismatch: RPC_URL ${config.rpcUrl} reports chain id ${chainId}, but deploy:${label} expects chain id ${config.expectedChainId}; refusing to deploy`,
      );
    }

    const account = privateKeyToAccount(config.deployerPrivateKey);
    const isLocal = network.kind === 'local';
    if (!isLocal) {
      const publicKeys = new Set(ANVIL_PRIVATE_KEYS.map((key) => privateKeyToAccount(key).address));
      if (publicKeys.has(account.address)) {
        throw new DeployCliError(
          `DEPLOYER_PRIVATE_KEY is a public anvil development key; refusing to use it on ${network.name}`,
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
            `${name} ${value} is a public anvil development account; refusing on ${network.name}`,
          );
        }
      }
    }
    const existingTokens: Partial<TExistingTokens> = {};
    for (const [name, source] of Object.entries(config.tokens) as Array<[TTokenName, TTokenSource]>) {
      if (source.kind !== 'existing') continue;
      const code = await publicClient.getCode({ address: source.address });
      if (!code || code === '0x') {
        const why =
          source.from === 'canonical'
            ? ` (${network.name}'s canonical ${TOKEN_SETTINGS[name].label}: is RPC_URL really ${network.name}? Set ${TOKEN_SETTINGS[name].variable} to use another)`
            : ` (${TOKEN_SETTINGS[name].variable})`;
        throw new DeployCliError(`${name} token ${source.address} has no code on chain ${chainId}${why}`);
      }
      existingTokens[name] = source.address;
    }
    if (network.kind === 'mainnet') {
      const ownerCode = config.owner ? await publicClient.getCode({ address: config.owner }) : undefined;
      if (!ownerCode || ownerCode === '0x') {
        throw new DeployCliError(
          `OWNER_ADDRESS ${config.owner} has no code on chain ${chainId}: it must be the treasury Safe (a multisig contract), not a key`,
        );
      }
    }

    const chain = defineChain({
      id: chainId,
      name: isLocal ? `Local ${chainId}` : network.name,
      nativeCurrency: network.nativeCurrency,
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
      tokens: existingTokens,
      fundClaimVaultWei: config.fundClaimVaultWei,
      requireSgeId: config.requireSgeId,
      sgeIdBaseUri: config.sgeIdBaseUri,
      opStack: network.opStack,
      onProgress: log,
    };

    const estimate = await estimateDeploymentCost(params);
    const balanceWei = await publicClient.getBalance({ address: account.address });
    log(
      `deploy:${label} on chain ${chainId} (${network.name}): deployer ${account.address}, balance ${formatEther(balanceWei)} ETH, ` +
        `estimated ${estimate.transactionCount} transactions, ${estimate.gas} gas, at most ` +
        `${formatEther(estimate.costWei)} ETH (max fee ${formatGwei(estimate.maxFeePerGasWei)} gwei` +
        `${network.opStack ? `, L1 data fee ${formatEther(estimate.l1FeeWei)} ETH` : ''})`,
    );
    if (balanceWei < estimate.costWei) {
      throw new DeployCliError(
        `deployer ${account.address} balance ${formatEther(balanceWei)} ETH (${balanceWei} wei) is below the estimated ` +
          `deployment cost ${formatEther(estimate.costWei)} ETH (${estimate.costWei} wei = ${estimate.gas} gas × ` +
          `${estimate.maxFeePerGasWei} wei max fee${estimate.l1FeeWei > 0n ? ` + ${estimate.l1FeeWei} wei L1 data fee` : ''}); fund it and retry`,
      );
    }

    const tokenSummary = (Object.entries(config.tokens) as Array<[TTokenName, TTokenSource]>)
      .map(([name, source]) =>
        source.kind === 'existing'
          ? `${TOKEN_SETTINGS[name].label} ${source.address} (${source.from})`
          : `${TOKEN_SETTINGS[name].label} a new ${source.contract}`,
      )
      .join(', ');
    if (!isLocal && !config.confirmed) {
      log(
        `about to deploy to ${network.name.toUpperCase()} (chain ${chainId}): relayer ${config.relayer}, treasury ${config.treasury}, ` +
          `owner ${config.owner ?? account.address}, approvers [${config.approvers.join(', ')}], ${tokenSummary}, ` +
          `fee ${config.feeMicroUsd} micro-USD, claim ${config.claimAmountWei} wei, requireSgeId ${config.requireSgeId}`,
      );
      throw new DeployCliError(
        `${network.kind === 'mainnet' ? 'mainnet' : network.name} deployment not confirmed: pass --yes or set CONFIRM_MAINNET=yes`,
      );
    }
    log(`tokens: ${tokenSummary}`);

    const deployment = await deployContracts(params);
    const path = writeDeploymentFile(deployment, config.deploymentsDir);
    log(`wrote ${path}`);
    if (deployment.owner !== deployment.deployer) {
      log(
        `reminder: ${deployment.owner} must call acceptOwnership() on SGEID, SGEClaim, SGEPayout and AffiliateRegistry` +
          `${config.tokens.sge.kind === 'test-token' ? ' and SGEToken' : ''} to own them; until then the deployer does`,
      );
    }
    if (config.tokens.sge.kind === 'existing') {
      log(`reminder: fund the claim vault by transferring SGE to SGEClaim ${deployment.contracts.sgeClaim}`);
    }
    output.stdout(`${toEnvLines(deployment).join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DeployCliError) {
      log(`deploy:${label}: ${error.message}`);
      return 1;
    }
    log(`deploy:${label} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { label, flags } = parseCliArguments(process.argv.slice(2));
  if (label === null) {
    const known = NETWORKS.map((network) => network.key).join('|');
    process.stderr.write(`usage: tsx ts/deploy-cli.ts --network <${known}> [--yes]\n`);
    process.exitCode = 2;
  } else {
    process.exitCode = await runDeployCli(label, flags, process.env);
  }
}
