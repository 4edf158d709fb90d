import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Address, getAddress, isAddress } from 'viem';
import type { TDeployedContracts, TDeployment } from './deploy';

/**
 * Deployment records live in `packages/contracts/deployments/<chainId>.json` (override the directory
 * with `DEPLOYMENTS_DIR`). bigints are written as decimal strings; addresses are checksummed.
 */
export const DEFAULT_DEPLOYMENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'deployments');

/** The `.env` variable of each deployed contract (the API reads these names). */
export const ENV_VARIABLE_BY_CONTRACT = {
  sgeId: 'SGE_ID_ADDRESS',
  sgeClaim: 'SGE_CLAIM_ADDRESS',
  payout: 'PAYOUT_ADDRESS',
  affiliateRegistry: 'AFFILIATE_REGISTRY_ADDRESS',
  usdc: 'USDC_ADDRESS',
  usdt: 'USDT_ADDRESS',
  sgeToken: 'SGE_TOKEN_ADDRESS',
} as const satisfies Record<keyof TDeployedContracts, string>;

/** `DEPLOYMENTS_DIR` when set, else `packages/contracts/deployments`. */
export function deploymentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DEPLOYMENTS_DIR ? resolve(env.DEPLOYMENTS_DIR) : DEFAULT_DEPLOYMENTS_DIR;
}

export function deploymentFilePath(chainId: number, dir: string = deploymentsDir()): string {
  return join(dir, `${chainId}.json`);
}

/** JSON form of a deployment: bigints as decimal strings. */
export function serializeDeployment(deployment: TDeployment): string {
  return `${JSON.stringify(deployment, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}

/** Parses and validates the JSON written by `serializeDeployment`. */
export function parseDeployment(json: string): TDeployment {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const address = (value: unknown, field: string): Address => {
    if (typeof value !== 'string' || !isAddress(value, { strict: false })) {
      throw new Error(`deployment file: ${field} is not an address (${String(value)})`);
    }
    return getAddress(value);
  };
  const bigint = (value: unknown, field: string): bigint => {
    if (typeof value !== 'string' || !/^\d+$/.test(value)) {
      throw new Error(`deployment file: ${field} is not a decimal integer string (${String(value)})`);
    }
    return BigInt(value);
  };
  const approverList = (value: unknown): Address[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new Error(`deployment file: approvers is not a list (${String(value)})`);
    return value.map((item, index) => address(item, `approvers[${index}]`));
  };
  const rawContracts = raw.contracts as Record<string, unknown> | undefined;
  if (!rawContracts || typeof rawContracts !== 'object')
    throw new Error('deployment file: contracts missing');
  if (typeof raw.chainId !== 'number' || !Number.isSafeInteger(raw.chainId) || raw.chainId <= 0) {
    throw new Error(`deployment file: chainId is not a positive integer (${String(raw.chainId)})`);
  }
  const contracts = Object.fromEntries(
    (Object.keys(ENV_VARIABLE_BY_CONTRACT) as Array<keyof TDeployedContracts>).map((key) => [
      key,
      address(rawContracts[key], `contracts.${key}`),
    ]),
  ) as TDeployedContracts;
  return {
    chainId: raw.chainId,
    deployer: address(raw.deployer, 'deployer'),
    relayer: address(raw.relayer, 'relayer'),
    treasury: address(raw.treasury, 'treasury'),
    owner: address(raw.owner, 'owner'),
    // Files written before approvers existed have none.
    approvers: approverList(raw.approvers),
    blockNumber: bigint(raw.blockNumber, 'blockNumber'),
    feeMicroUsd: bigint(raw.feeMicroUsd, 'feeMicroUsd'),
    claimAmountWei: bigint(raw.claimAmountWei, 'claimAmountWei'),
    requireSgeId: raw.requireSgeId === true,
    testTokens: raw.testTokens === true,
    contracts,
  };
}

/**
 * Writes `<dir>/<chainId>.json` atomically (temp file + rename) and returns its path.
 *
 * @example
 * writeDeploymentFile(deployment); // packages/contracts/deployments/31337.json
 */
export function writeDeploymentFile(deployment: TDeployment, dir: string = deploymentsDir()): string {
  mkdirSync(dir, { recursive: true });
  const path = deploymentFilePath(deployment.chainId, dir);
  const temporaryPath = `${path}.${process.pid}.tmp`;
  writeFileSync(temporaryPath, serializeDeployment(deployment));
  renameSync(temporaryPath, path);
  return path;
}

/** Reads `<dir>/<chainId>.json`; throws when it is missing or malformed. */
export function readDeploymentFile(chainId: number, dir: string = deploymentsDir()): TDeployment {
  return parseDeployment(readFileSync(deploymentFilePath(chainId, dir), 'utf8'));
}

/**
 * The deployment's addresses as `.env` lines, one per contract, in a fixed order:
 * `SGE_ID_ADDRESS`, `SGE_CLAIM_ADDRESS`, `PAYOUT_ADDRESS`, `AFFILIATE_REGISTRY_ADDRESS`, `USDC_ADDRESS`,
 * `USDT_ADDRESS`, `SGE_TOKEN_ADDRESS`.
 *
 * @example
 * toEnvLines(deployment); // ['SGE_ID_ADDRESS=0x…', 'SGE_CLAIM_ADDRESS=0x…', …]
 */
export function toEnvLines(deployment: Pick<TDeployment, 'contracts'>): string[] {
  return (Object.keys(ENV_VARIABLE_BY_CONTRACT) as Array<keyof TDeployedContracts>).map(
    (key) => `${ENV_VARIABLE_BY_CONTRACT[key]}=${getAddress(deployment.contracts[key])}`,
  );
}
