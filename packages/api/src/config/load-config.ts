import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ANVIL_MNEMONIC } from '@sge/contracts';
import { MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD } from '@sge/shared';
import { CronExpressionParser } from 'cron-parser';
import { type Address, getAddress, type Hex, isAddress, parseEther, parseGwei } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import type { TRelayerSettings } from '../chain/relayer';
import { checkAdminKeyStrength } from './admin-key-strength';
import { resolveChainNetwork, type TChainNetwork } from './chain-network';
import { PLATFORM_VERSION } from './platform-version';
import { findRepoRoot } from './repo-root';
import { parseTrustProxy, type TTrustProxy } from './trust-proxy';
import { VARIABLES } from './variables';

/** Reconciliation runs daily at 02:00 UTC unless RECONCILIATION_SCHEDULE says otherwise. */
export const DEFAULT_RECONCILIATION_SCHEDULE = '0 2 * * *';

export type TMode = 'MOCK' | 'REAL' | 'PRODUCTION';
export type TRole = 'api' | 'worker' | 'all';
export type TLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type TContractAddresses = {
  sgeId: Address | null;
  sgeClaim: Address | null;
  payout: Address | null;
  affiliateRegistry: Address | null;
  usdc: Address | null;
  usdt: Address | null;
  sgeToken: Address | null;
};

/**
 * One named admin: a person. `wallet` (optional, EIP-55 checksummed) is the address that signs that admin's
 * payout approvals; no two admins share one.
 */
export type TAdminKey = { name: string; key: string; wallet: Address | null };

export type TConfig = {
  mode: TMode;
  mockMode: boolean;
  nodeEnv: 'development' | 'test' | 'production';
  role: TRole;
  dataDir: string;
  http: {
    port: number;
    host: string;
    appOrigins: string[];
    /** TRUST_PROXY as Fastify takes it (see trust-proxy.ts); never `true` outside Mock mode. */
    trustProxy: TTrustProxy;
    rateLimitPerIpPerMinute: number;
    registerRateLimitPerWalletPerMinute: number;
    bodyLimitBytes: number;
  };
  /** `readUrl`: DATABASE_READ_URL, the read replica (null: reads use the primary). */
  database: { url: string | null; readUrl: string | null; poolMax: number };
  redis: { url: string | null; prefix: string };
  chain: {
    rpcUrl: string | null;
    rpcBackupUrl: string | null;
    expectedChainId: number | null;
    /**
     * The network CHAIN_ID names (registry entry or custom description); null when CHAIN_ID is unset, in
     * which case the runtime looks up the chain id the RPC reports (runtime.ts). Mock mode: the local chain.
     */
    network: TChainNetwork | null;
    rpcTimeoutMs: number;
    explorerUrl: string | null;
    deployerPrivateKey: Hex | null;
    relayerPrivateKey: Hex;
    treasuryAddress: Address | null;
    balanceWarningWei: bigint;
    balanceCriticalWei: bigint;
  };
  relayer: TRelayerSettings;
  contracts: TContractAddresses;
  admin: {
    keys: TAdminKey[];
    /**
     * MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: a manual payment above this amount (smallest unit) is a
     * pending change until a second admin approves it; at or below it, it is recorded at once.
     */
    manualPaymentApprovalThresholdMicroUsd: bigint;
  };
  /**
   * CONTRACT_ADDRESS_ALLOWLIST: addresses an admin may set as a program's treasury or contract besides those
   * of the deployment records and the configured ones (checksummed).
   */
  contractAddressAllowlist: Address[];
  /** ALTCHA_HMAC_KEY (null: the challenge gate cannot be used here). */
  altchaHmacKey: string | null;
  /** GLOBAL_DAILY_GAS_BUDGET_WEI (null: no global budget). */
  globalDailyGasBudgetWei: bigint | null;
  commerce: {
    apiKey: string | null;
    webhookSecret: string | null;
    /** COINBASE_COMMERCE_API_URL without a trailing slash. */
    apiUrl: string;
  };
  /** Coinbase Business Checkouts (issue 19). */
  business: {
    /** CDP API key id and secret (the JWT bearer); null: Business checkouts cannot be created here. */
    apiKeyId: string | null;
    apiKeySecret: string | null;
    /** The webhook subscription's secret (verifies X-Hook0-Signature); Mock mode has a development one. */
    webhookSecret: string | null;
    /** COINBASE_BUSINESS_API_URL without a trailing slash. */
    apiUrl: string;
  };
  /** Direct on-chain payments (issue 19): how long a payment request stays payable. */
  onchainPaymentTtlMs: number;
  workers: {
    concurrency: number;
    sweepIntervalMs: number;
    intentTimeoutMinutes: number;
    mintBatchLeaseMs: number;
    shutdownTimeoutMs: number;
    /** RECONCILIATION_SCHEDULE: a cron expression, evaluated in UTC (validated here); null when `off`. */
    reconciliationSchedule: string | null;
    /**
     * RECONCILIATION_RECHECK_BLOCKS: an incremental run matches again the settlements in this many blocks below
     * the chain head, however often verified (a reorg can still drop them).
     */
    reconciliationRecheckBlocks: number;
    /**
     * RECONCILIATION_RECHECK_MINUTES: an incremental run re-reads the database rows recorded this long before
     * its watermark (rows of a transaction that committed late, recent rows changed since they were checked).
     */
    reconciliationRecheckMinutes: number;
    /** CLAIM_WATCHER_INTERVAL_MS: time between chain watcher ticks; 0 runs no watcher in this process. */
    claimWatcherIntervalMs: number;
    /** COMMISSION_MATURITY_INTERVAL_MS: time between commission maturity runs (ACCRUED → PAYABLE). */
    commissionMaturityIntervalMs: number;
  };
  logLevel: TLogLevel;
  sentryDsn: string | null;
  /** SENTRY_RELEASE: the release errors are reported under (default `sge-platform@<version>`). */
  release: string;
  /** Where `npm run archive` writes (ARCHIVE_URL) and the S3 client's settings (AWS_*). */
  archive: TArchiveConfig;
};

/**
 * ARCHIVE_URL parsed: a local directory (null: the archive command's --out) or an S3-compatible bucket and key
 * prefix ("" or ending in "/"), with the client settings of the AWS_* variables.
 */
export type TArchiveConfig = {
  target: { kind: 'file'; dir: string | null } | { kind: 's3'; bucket: string; prefix: string };
  s3: {
    endpoint: string | null;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string } | null;
  };
};

export type TConfigProblem = { variable: string; problem: string; purpose: string };

/** Startup configuration is wrong; `problems` lists every one, not just the first. */
export class ConfigError extends Error {
  readonly problems: TConfigProblem[];
  constructor(problems: TConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}. It is: ${p.purpose}.`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The admin key Mock mode and local development use when none is configured. Refused in Production. */
export const DEV_ADMIN_KEY = 'dev-admin-key';
/** The second demo admin's key (Mock mode and development), so two people can approve with one command. */
export const DEV_ADMIN_KEY_2 = 'dev-admin-key-2';
/**
 * The demo admins of Mock mode and development when ADMIN_API_KEYS is not set: their wallets are anvil's
 * published development accounts #7 and #8 (public keys; never in Production, which refuses the dev keys).
 */
export const DEMO_ADMINS = [
  { name: 'dev', key: DEV_ADMIN_KEY, accountIndex: 7 },
  { name: 'dev2', key: DEV_ADMIN_KEY_2, accountIndex: 8 },
] as const;
/** Default of MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: 1,000 USD. */
export const DEFAULT_MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD = 1_000_000_000n;
/** The Commerce webhook secret Mock mode's simulated checkout signs with. Refused in Production. */
export const MOCK_COMMERCE_WEBHOOK_SECRET = 'mock-commerce-webhook-secret';
/** Mock mode's Coinbase Business webhook secret (its simulated checkout signs with it). */
export const MOCK_BUSINESS_WEBHOOK_SECRET = 'mock-business-webhook-secret';
/** The ALTCHA challenge HMAC key of Mock mode. Refused in Production. */
export const MOCK_ALTCHA_HMAC_KEY = 'mock-altcha-hmac-key';

/** Indexes of anvil's development accounts used by Mock mode. */
const MOCK_DEPLOYER_INDEX = 0;
const MOCK_RELAYER_INDEX = 1;
const MOCK_TREASURY_INDEX = 2;
/** How many of the published development accounts Production refuses (anvil and hardhat create 10 by default). */
const DEV_ACCOUNTS_REFUSED_COUNT = 20;

const purposeOf = new Map(VARIABLES.map((v) => [v.name, v.purpose]));

/** Private key of a published development account (anvil/hardhat mnemonic). Public knowledge. */
export function devPrivateKey(index: number): Hex {
  const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error('HD derivation returned no private key');
  return `0x${Buffer.from(key).toString('hex')}`;
}

let devAddressesCache: Set<string> | null = null;
function devAddresses(): Set<string> {
  if (!devAddressesCache) {
    devAddressesCache = new Set();
    for (let index = 0; index < DEV_ACCOUNTS_REFUSED_COUNT; index++) {
      devAddressesCache.add(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).address.toLowerCase());
    }
  }
  return devAddressesCache;
}

/**
 * Replaces `NAME_FILE=/path` with `NAME=<file contents>` (trailing newline trimmed). Reports a variable set
 * both ways, or a file that cannot be read.
 */
export function resolveFileSecrets(
  env: NodeJS.ProcessEnv,
  problems: TConfigProblem[],
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) resolved[name] = value;
  }
  for (const variable of VARIABLES) {
    const filePath = env[`${variable.name}_FILE`];
    if (!filePath) continue;
    if (env[variable.name]) {
      problems.push({
        variable: `${variable.name}_FILE`,
        problem: `both ${variable.name} and ${variable.name}_FILE are set; set only one`,
        purpose: variable.purpose,
      });
      continue;
    }
    try {
      resolved[variable.name] = readFileSync(filePath, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push({
        variable: `${variable.name}_FILE`,
        problem: `cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        purpose: variable.purpose,
      });
    }
  }
  return resolved;
}

/**
 * Reads and validates the whole configuration at once.
 *
 * @throws ConfigError naming every missing or malformed variable with what it is for.
 * @example
 * const config = loadConfig(process.env); // MOCK_MODE unset → Mock mode with embedded everything
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: { role?: TRole } = {}): TConfig {
  const problems: TConfigProblem[] = [];
  const vars = resolveFileSecrets(env, problems);
  const problem = (variable: string, text: string) =>
    problems.push({ variable, problem: text, purpose: purposeOf.get(variable) ?? variable });
  const raw = (name: string): string | null => {
    const value = vars[name]?.trim();
    return value ? value : null;
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const value = raw(name);
    if (value === null) return fallback;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    problem(name, `"${value}" is not true or false`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === null) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problem(name, `"${value}" is not a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  };
  const url = (name: string, protocols: string[]): string | null => {
    const value = raw(name);
    if (value === null) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problem(name, `must be a ${protocols.join(' or ')} URL`);
        return null;
      }
      return value;
    } catch {
      problem(name, 'is not a valid URL');
      return null;
    }
  };
  const address = (name: string): Address | null => {
    const value = raw(name);
    if (value === null) return null;
    if (!isAddress(value, { strict: false })) {
      problem(name, `"${value}" is not a 20-byte hex address`);
      return null;
    }
    return getAddress(value);
  };
  const addressList = (name: string): Address[] => {
    const value = raw(name);
    if (value === null) return [];
    const addresses: Address[] = [];
    for (const [index, entry] of value.split(',').entries()) {
      const candidate = entry.trim();
      if (!isAddress(candidate, { strict: true })) {
        problem(
          name,
          `entry ${index + 1} ("${candidate}") is not a 20-byte hex address with a valid checksum`,
        );
        continue;
      }
      addresses.push(getAddress(candidate));
    }
    return addresses;
  };
  const microUsd = (name: string, fallback: bigint, max: bigint): bigint => {
    const value = raw(name);
    if (value === null) return fallback;
    if (!/^\d{1,30}$/.test(value) || BigInt(value) > max) {
      problem(name, `"${value}" is not a whole number of micro-USD from 0 to ${max}`);
      return fallback;
    }
    return BigInt(value);
  };
  const privateKey = (name: string): Hex | null => {
    const value = raw(name);
    if (value === null) return null;
    const hex = value.startsWith('0x') ? value : `0x${value}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
      problem(name, 'is not a 32-byte hex private key');
      return null;
    }
    return hex as Hex;
  };
  const eth = (name: string, fallback: string): bigint => {
    const value = raw(name) ?? fallback;
    if (!/^\d+(\.\d{1,18})?$/.test(value)) {
      problem(name, `"${value}" is not an ETH amount like 0.1`);
      return parseEther(fallback);
    }
    return parseEther(value);
  };
  const wei = (name: string): bigint | null => {
    const value = raw(name);
    if (value === null) return null;
    if (!/^\d{1,78}$/.test(value)) {
      problem(name, `"${value}" is not a whole number of wei`);
      return null;
    }
    return BigInt(value);
  };
  const gwei = (name: string, fallback: string): bigint => {
    const value = raw(name) ?? fallback;
    if (!/^\d+(\.\d{1,9})?$/.test(value)) {
      problem(name, `"${value}" is not a gwei amount like 1.5`);
      return parseGwei(fallback);
    }
    return parseGwei(value);
  };
  const cron = (name: string, fallback: string): string => {
    const value = raw(name);
    if (value === null) return fallback;
    try {
      CronExpressionParser.parse(value, { tz: 'UTC', strict: false });
      return value;
    } catch (error) {
      problem(name, `"${value}" is not a cron expression (${(error as Error).message})`);
      return fallback;
    }
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = raw(name);
    if (value === null) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      problem(name, `"${value}" is not one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  };

  const mockMode = bool('MOCK_MODE', true);
  const nodeEnv = oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const mode: TMode = mockMode ? 'MOCK' : nodeEnv === 'production' ? 'PRODUCTION' : 'REAL';
  const roleFromEnv = oneOf('PROCESS_ROLE', ['api', 'worker', 'all'] as const, 'all');
  const role: TRole = mockMode ? 'all' : (overrides.role ?? roleFromEnv);

  const required = (name: string) => {
    const variable = VARIABLES.find((v) => v.name === name);
    if (!variable?.requiredIn) return;
    const needed = variable.requiredIn.includes(mode as 'REAL' | 'PRODUCTION');
    if (needed && raw(name) === null) {
      const when = mode === 'PRODUCTION' ? 'in Production (NODE_ENV=production)' : 'when MOCK_MODE=false';
      problem(name, `is required ${when}`);
    }
  };
  for (const variable of VARIABLES) required(variable.name);

  const dataDir = resolve(raw('DATA_DIR') ?? join(findRepoRoot(), '.data'));

  // Keys: Mock mode uses anvil's published development accounts; Real and Production need real ones.
  const relayerKey = privateKey('RELAYER_PRIVATE_KEY');
  const deployerKey = privateKey('DEPLOYER_PRIVATE_KEY');
  let treasury = address('TREASURY_ADDRESS');
  if (mockMode && !treasury)
    treasury = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: MOCK_TREASURY_INDEX }).address;

  const adminKeys = parseAdminKeys(raw('ADMIN_API_KEYS'), raw('ADMIN_API_KEY'), problem);
  // Only Mock mode has fallback keys, the two demo admins. Real mode without keys starts with no admin access
  // at all (admin routes answer 401); Production refuses to start without them.
  if (adminKeys.length === 0 && mode === 'MOCK') {
    for (const demo of DEMO_ADMINS) {
      const wallet = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: demo.accountIndex }).address;
      adminKeys.push({ name: demo.name, key: demo.key, wallet });
    }
  }
  if (adminKeys.length === 0 && mode === 'PRODUCTION') {
    problem('ADMIN_API_KEYS', 'is required in Production (NODE_ENV=production)');
  }

  const webhookSecret =
    raw('COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET') ??
    raw('COINBASE_COMMERCE_SECRET') ??
    (mockMode ? MOCK_COMMERCE_WEBHOOK_SECRET : null);

  const expectedChainIdRaw = raw('CHAIN_ID');
  let expectedChainId: number | null = null;
  if (expectedChainIdRaw !== null) {
    if (/^\d+$/.test(expectedChainIdRaw) && Number(expectedChainIdRaw) > 0)
      expectedChainId = Number(expectedChainIdRaw);
    else problem('CHAIN_ID', `"${expectedChainIdRaw}" is not a positive whole number`);
  }
  const network =
    expectedChainId === null || mockMode
      ? null
      : resolveChainNetwork(
          expectedChainId,
          {
            name: raw('CHAIN_NAME'),
            feeModel: raw('CHAIN_FEE_MODEL'),
            confirmations: raw('RELAYER_CONFIRMATIONS'),
          },
          problem,
        );

  const config: TConfig = {
    mode,
    mockMode,
    nodeEnv,
    role,
    dataDir,
    http: {
      port: int('PORT', 3000, 0, 65535),
      host: raw('HOST') ?? '0.0.0.0',
      appOrigins: (raw('APP_ORIGIN') ?? 'http://localhost:5173')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      trustProxy: trustProxyOf(raw('TRUST_PROXY'), mockMode, problem),
      rateLimitPerIpPerMinute: int('RATE_LIMIT_PER_IP_PER_MINUTE', 600, 1, 10_000_000),
      registerRateLimitPerWalletPerMinute: int(
        'REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE',
        20,
        1,
        10_000_000,
      ),
      bodyLimitBytes: int('BODY_LIMIT_BYTES', 65_536, 1_024, 10_485_760),
    },
    database: {
      url: url('DATABASE_URL', ['postgres:', 'postgresql:']),
      readUrl: readReplicaUrl(url('DATABASE_READ_URL', ['postgres:', 'postgresql:']), mockMode, problem),
      poolMax: int('DATABASE_POOL_MAX', 20, 1, 500),
    },
    redis: { url: url('REDIS_URL', ['redis:', 'rediss:']), prefix: raw('REDIS_PREFIX') ?? 'sge' },
    chain: {
      rpcUrl: url('RPC_URL', ['http:', 'https:', 'ws:', 'wss:']),
      rpcBackupUrl: url('RPC_BACKUP_URL', ['http:', 'https:', 'ws:', 'wss:']),
      expectedChainId,
      network,
      rpcTimeoutMs: int('RPC_TIMEOUT_MS', 10_000, 100, 600_000),
      explorerUrl: url('EXPLORER_URL', ['http:', 'https:']),
      deployerPrivateKey: deployerKey ?? (mockMode ? devPrivateKey(MOCK_DEPLOYER_INDEX) : null),
      // In Real mode a missing key is reported above; the placeholder never signs anything.
      relayerPrivateKey:
        relayerKey ?? (mockMode ? devPrivateKey(MOCK_RELAYER_INDEX) : `0x${'00'.repeat(31)}01`),
      treasuryAddress: treasury,
      balanceWarningWei: eth('RELAYER_BALANCE_WARNING_ETH', '0.1'),
      balanceCriticalWei: eth('RELAYER_BALANCE_CRITICAL_ETH', '0.05'),
    },
    relayer: {
      priorityFeeWei: gwei('RELAYER_PRIORITY_FEE_GWEI', '0'),
      maxFeeWei: gwei('RELAYER_MAX_FEE_GWEI', '300'),
      replaceAfterMs: int('RELAYER_REPLACE_AFTER_SECONDS', 60, 1, 86_400) * 1000,
      feeBumpPercent: int('RELAYER_FEE_BUMP_PERCENT', 15, 10, 500),
      minBalanceWei: eth('RELAYER_MIN_BALANCE_ETH', '0.01'),
      // Default: the network's (registry, networks.ts: 3 on Ethereum, 10 on OP-stack chains, 20 on Arbitrum).
      confirmations: int('RELAYER_CONFIRMATIONS', network?.confirmations ?? 1, 1, 100),
      pollIntervalMs: int('RELAYER_POLL_INTERVAL_MS', 1000, 50, 60_000),
      rebroadcastAfterMs: int('RELAYER_REBROADCAST_SECONDS', 30, 1, 86_400) * 1000,
      gasLimitMarginPercent: 20,
    },
    contracts: {
      sgeId: address('SGE_ID_ADDRESS'),
      sgeClaim: address('SGE_CLAIM_ADDRESS'),
      payout: address('PAYOUT_ADDRESS'),
      affiliateRegistry: address('AFFILIATE_REGISTRY_ADDRESS'),
      usdc: address('USDC_ADDRESS'),
      usdt: address('USDT_ADDRESS'),
      sgeToken: address('SGE_TOKEN_ADDRESS'),
    },
    admin: {
      keys: adminKeys,
      manualPaymentApprovalThresholdMicroUsd: microUsd(
        'MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD',
        DEFAULT_MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD,
        MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD,
      ),
    },
    contractAddressAllowlist: addressList('CONTRACT_ADDRESS_ALLOWLIST'),
    altchaHmacKey: raw('ALTCHA_HMAC_KEY') ?? (mockMode ? MOCK_ALTCHA_HMAC_KEY : null),
    globalDailyGasBudgetWei: wei('GLOBAL_DAILY_GAS_BUDGET_WEI'),
    commerce: {
      apiKey: raw('COINBASE_COMMERCE_API_KEY'),
      webhookSecret,
      apiUrl: (
        url('COINBASE_COMMERCE_API_URL', ['http:', 'https:']) ?? 'https://api.commerce.coinbase.com'
      ).replace(/\/+$/, ''),
    },
    business: {
      apiKeyId: raw('COINBASE_BUSINESS_API_KEY_ID'),
      apiKeySecret: raw('COINBASE_BUSINESS_API_KEY_SECRET'),
      webhookSecret:
        raw('COINBASE_BUSINESS_WEBHOOK_SECRET') ?? (mockMode ? MOCK_BUSINESS_WEBHOOK_SECRET : null),
      apiUrl: (
        url('COINBASE_BUSINESS_API_URL', ['http:', 'https:']) ?? 'https://business.coinbase.com/api/v1'
      ).replace(/\/+$/, ''),
    },
    onchainPaymentTtlMs: int('ONCHAIN_PAYMENT_TTL_SECONDS', 3_600, 60, 7 * 86_400) * 1000,
    workers: {
      concurrency: int('WORKER_CONCURRENCY', 4, 1, 256),
      sweepIntervalMs: int('SWEEP_INTERVAL_MS', 5_000, 100, 3_600_000),
      claimWatcherIntervalMs: int('CLAIM_WATCHER_INTERVAL_MS', 2_000, 0, 3_600_000),
      commissionMaturityIntervalMs: int('COMMISSION_MATURITY_INTERVAL_MS', 60_000, 100, 3_600_000),
      intentTimeoutMinutes: int('INTENT_TIMEOUT_MINUTES', 10, 1, 10_080),
      mintBatchLeaseMs: int('MINT_BATCH_LEASE_SECONDS', 120, 1, 86_400) * 1000,
      shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 30_000, 100, 600_000),
      reconciliationSchedule:
        raw('RECONCILIATION_SCHEDULE') === 'off'
          ? null
          : cron('RECONCILIATION_SCHEDULE', DEFAULT_RECONCILIATION_SCHEDULE),
      reconciliationRecheckBlocks: int('RECONCILIATION_RECHECK_BLOCKS', 128, 1, 1_000_000),
      // At least 20 minutes: twice the commission accrual grace (reconciliation-limits.ts).
      reconciliationRecheckMinutes: int('RECONCILIATION_RECHECK_MINUTES', 60, 20, 10_080),
    },
    logLevel: oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    sentryDsn: url('SENTRY_DSN', ['http:', 'https:']),
    release: raw('SENTRY_RELEASE') ?? `sge-platform@${PLATFORM_VERSION}`,
    archive: archiveConfigOf(raw, url, problem),
  };

  if (config.chain.balanceCriticalWei > config.chain.balanceWarningWei) {
    problem('RELAYER_BALANCE_CRITICAL_ETH', 'must not be above RELAYER_BALANCE_WARNING_ETH');
  }
  if (config.relayer.priorityFeeWei > config.relayer.maxFeeWei) {
    problem('RELAYER_PRIORITY_FEE_GWEI', 'must not be above RELAYER_MAX_FEE_GWEI');
  }
  if (mode !== 'MOCK') checkAdminKeyStrength(config.admin.keys, problem);
  if (mode === 'PRODUCTION') checkProductionSecrets(config, relayerKey, deployerKey, problem);

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** DATABASE_READ_URL is for Real mode: Mock mode's embedded database has no replicas. */
function readReplicaUrl(
  value: string | null,
  mockMode: boolean,
  problem: (variable: string, text: string) => void,
): string | null {
  if (value !== null && mockMode) {
    problem('DATABASE_READ_URL', 'is only used when MOCK_MODE=false (the embedded database has no replicas)');
    return null;
  }
  return value;
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** AWS region names such as us-east-1, eu-central-2, or an S3-compatible server's own (garage, auto). */
const AWS_REGION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** ARCHIVE_URL and the AWS_* variables of its S3 client (see TArchiveConfig). */
function archiveConfigOf(
  raw: (name: string) => string | null,
  url: (name: string, protocols: string[]) => string | null,
  problem: (variable: string, text: string) => void,
): TArchiveConfig {
  let target: TArchiveConfig['target'] = { kind: 'file', dir: null };
  const archiveUrl = url('ARCHIVE_URL', ['s3:', 'file:']);
  if (archiveUrl !== null) {
    const parsed = new URL(archiveUrl);
    if (parsed.protocol === 'file:') {
      target = { kind: 'file', dir: decodeURIComponent(parsed.pathname) };
    } else if (!S3_BUCKET_NAME.test(parsed.hostname)) {
      problem('ARCHIVE_URL', `"${parsed.hostname}" is not an S3 bucket name (3-63 of a-z 0-9 . -)`);
    } else if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
      problem('ARCHIVE_URL', 'must be s3://bucket/prefix, without credentials, query or fragment');
    } else {
      const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
      target = {
        kind: 's3',
        bucket: parsed.hostname,
        prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
      };
    }
  }
  const region = raw('AWS_REGION') ?? 'us-east-1';
  if (!AWS_REGION_NAME.test(region)) problem('AWS_REGION', `"${region}" is not a region name like us-east-1`);
  const accessKeyId = raw('AWS_ACCESS_KEY_ID');
  const secretAccessKey = raw('AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === null) !== (secretAccessKey === null)) {
    problem(
      accessKeyId === null ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY',
      'must be set together with ' + (accessKeyId === null ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'),
    );
  }
  return {
    target,
    s3: {
      endpoint: url('AWS_ENDPOINT_URL', ['http:', 'https:']),
      region,
      credentials: accessKeyId !== null && secretAccessKey !== null ? { accessKeyId, secretAccessKey } : null,
    },
  };
}

function trustProxyOf(
  value: string | null,
  mockMode: boolean,
  problem: (variable: string, text: string) => void,
): TTrustProxy {
  const parsed = parseTrustProxy(value, mockMode);
  if (parsed.problem !== undefined) {
    problem('TRUST_PROXY', parsed.problem);
    return false;
  }
  return parsed.value;
}

/**
 * ADMIN_API_KEYS: `name:key[:0xWallet]` entries separated by commas. The wallet is the entry's last part when
 * that part starts with 0x (so a key may contain colons but not end in `:0x…`); it is checksummed, and a
 * mixed-case address with a wrong checksum is refused as a typo. Names, keys and wallets are each unique.
 */
function parseAdminKeys(
  list: string | null,
  single: string | null,
  problem: (variable: string, text: string) => void,
): TAdminKey[] {
  const keys: TAdminKey[] = [];
  if (list) {
    for (const [index, entry] of list.split(',').entries()) {
      const parts = entry.trim().split(':');
      let wallet: Address | null = null;
      if (parts.length >= 3 && /^0x/i.test(parts.at(-1)!)) {
        const candidate = parts.pop()!;
        if (!isAddress(candidate, { strict: true })) {
          problem(
            'ADMIN_API_KEYS',
            `entry ${index + 1}: the wallet "${candidate}" is not a 20-byte hex address with a valid checksum`,
          );
          continue;
        }
        wallet = getAddress(candidate);
      }
      const match = /^([A-Za-z0-9_.@-]{1,64}):(\S{8,})$/.exec(parts.join(':'));
      if (!match) {
        problem(
          'ADMIN_API_KEYS',
          `entry ${index + 1} is not name:key[:0xWallet] (name 1-64 of A-Z a-z 0-9 _ . @ -, key ≥ 8 chars)`,
        );
        continue;
      }
      keys.push({ name: match[1]!, key: match[2]!, wallet });
    }
  }
  if (single) keys.push({ name: 'admin', key: single, wallet: null });
  const names = new Set<string>();
  const values = new Set<string>();
  const wallets = new Map<string, string>();
  for (const { name, key, wallet } of keys) {
    if (names.has(name)) problem('ADMIN_API_KEYS', `the name "${name}" is used twice`);
    if (values.has(key)) problem('ADMIN_API_KEYS', `two admins share one key (names ${name} and another)`);
    if (wallet) {
      const other = wallets.get(wallet);
      if (other !== undefined) {
        problem(
          'ADMIN_API_KEYS',
          `admins "${other}" and "${name}" share the wallet ${wallet}; each admin needs their own`,
        );
      }
      wallets.set(wallet, name);
    }
    names.add(name);
    values.add(key);
  }
  return keys;
}

/** SPEC §2: Production refuses well-known development secrets and a missing treasury. */
function checkProductionSecrets(
  config: TConfig,
  relayerKey: Hex | null,
  deployerKey: Hex | null,
  problem: (variable: string, text: string) => void,
) {
  // Admin keys: checkAdminKeyStrength (Real and Production).
  const dev = devAddresses();
  if (relayerKey && dev.has(privateKeyToAccount(relayerKey).address.toLowerCase())) {
    problem(
      'RELAYER_PRIVATE_KEY',
      'is a published development key (anvil/hardhat test account); anyone can spend from it',
    );
  }
  if (deployerKey && dev.has(privateKeyToAccount(deployerKey).address.toLowerCase())) {
    problem('DEPLOYER_PRIVATE_KEY', 'is a published development key (anvil/hardhat test account)');
  }
  if (config.chain.treasuryAddress && dev.has(config.chain.treasuryAddress.toLowerCase())) {
    problem('TREASURY_ADDRESS', 'is a published development account');
  }
  if (config.commerce.webhookSecret === MOCK_COMMERCE_WEBHOOK_SECRET) {
    problem('COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET', 'is the Mock mode secret');
  }
  if (config.altchaHmacKey === MOCK_ALTCHA_HMAC_KEY) problem('ALTCHA_HMAC_KEY', 'is the Mock mode key');
  if (config.business.webhookSecret === MOCK_BUSINESS_WEBHOOK_SECRET) {
    problem('COINBASE_BUSINESS_WEBHOOK_SECRET', 'is the Mock mode secret');
  }
}
