/**
 * Every environment variable the platform reads, with what it is for. This table is the single source
 * for validation (config/load-config.ts) and for `packages/api/.env.example` (a test keeps them in sync).
 *
 * `requiredIn` names the modes where the variable must be set: MOCK (MOCK_MODE=true), REAL
 * (MOCK_MODE=false) and PRODUCTION (MOCK_MODE=false and NODE_ENV=production). Secrets may be given as
 * `NAME_FILE=/path/to/file` instead of `NAME=value` (for secrets managers that mount files).
 */
export type TVariable = {
  name: string;
  group: string;
  /** What the variable is for: shown in startup errors and in .env.example. */
  purpose: string;
  /** The value written in .env.example; undefined writes the line commented out. */
  example?: string;
  defaultText?: string;
  requiredIn?: readonly ('REAL' | 'PRODUCTION')[];
  secret?: boolean;
};

export const VARIABLES: readonly TVariable[] = [
  // Mode and process
  {
    name: 'MOCK_MODE',
    group: 'Mode',
    purpose:
      'true runs everything embedded (database, queue, local chain with contracts); false uses PostgreSQL, Redis and RPC_URL',
    example: 'true',
    defaultText: 'true',
  },
  {
    name: 'NODE_ENV',
    group: 'Mode',
    purpose:
      'development, test or production; production with MOCK_MODE=false is Production mode (strict checks)',
    example: 'development',
    defaultText: 'development',
  },
  {
    name: 'PROCESS_ROLE',
    group: 'Mode',
    purpose: 'api, worker or all; the --role flag of main.ts overrides it; Mock mode always runs all',
    defaultText: 'all',
  },
  {
    name: 'DATA_DIR',
    group: 'Mode',
    purpose: 'Mock mode: directory of the embedded database and local chain state (survives restarts)',
    defaultText: '<repo>/.data',
  },
  // HTTP
  { name: 'PORT', group: 'HTTP', purpose: 'API listen port', example: '3000', defaultText: '3000' },
  { name: 'HOST', group: 'HTTP', purpose: 'API listen address', defaultText: '0.0.0.0' },
  {
    name: 'APP_ORIGIN',
    group: 'HTTP',
    purpose: 'Web app origin(s) allowed by CORS, comma-separated; also used to build referral links',
    example: 'http://localhost:5173',
    defaultText: 'http://localhost:5173',
  },
  {
    name: 'TRUST_PROXY',
    group: 'HTTP',
    purpose:
      "Proxies in front of the API whose X-Forwarded-For is believed (client IPs for the per-IP rate limit): a hop count (1 behind the shipped ops/nginx, which sets X-Forwarded-For to the address it sees) or the proxies' addresses/CIDRs, comma-separated; true (every hop, so clients choose their own IP) is refused outside Mock mode",
    defaultText: 'false',
  },
  {
    name: 'RATE_LIMIT_PER_IP_PER_MINUTE',
    group: 'HTTP',
    purpose: 'Requests per minute one client IP may make to public endpoints (shared across API replicas)',
    defaultText: '600',
  },
  {
    name: 'REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE',
    group: 'HTTP',
    purpose:
      'POST /api/register requests per minute for one wallet, not counting the one that creates its registration (shared across API replicas)',
    defaultText: '20',
  },
  {
    name: 'BODY_LIMIT_BYTES',
    group: 'HTTP',
    purpose: 'Largest request body accepted; larger bodies get 413',
    defaultText: '65536',
  },
  // Database and queue
  {
    name: 'DATABASE_URL',
    group: 'Database and queue',
    purpose: 'PostgreSQL connection string (the source of truth)',
    example: 'postgresql://sge:sge@localhost:5432/sge',
    requiredIn: ['REAL', 'PRODUCTION'],
    secret: true,
  },
  {
    name: 'DATABASE_READ_URL',
    group: 'Database and queue',
    purpose:
      'PostgreSQL read replica (a streaming standby of DATABASE_URL) serving admin lists, stats, exports and reconciliation reads; money-moving paths always use DATABASE_URL. Unset: everything reads the primary. Real mode only',
    secret: true,
  },
  {
    name: 'DATABASE_POOL_MAX',
    group: 'Database and queue',
    purpose: 'Most PostgreSQL connections one process opens',
    defaultText: '20',
  },
  {
    name: 'REDIS_URL',
    group: 'Database and queue',
    purpose: 'Redis connection string (BullMQ queues, shared rate limits)',
    example: 'redis://localhost:6379',
    requiredIn: ['REAL', 'PRODUCTION'],
    secret: true,
  },
  {
    name: 'REDIS_PREFIX',
    group: 'Database and queue',
    purpose: 'Prefix of every Redis key this deployment writes (lets deployments share one Redis)',
    defaultText: 'sge',
  },
  {
    name: 'ARCHIVE_URL',
    group: 'Archive',
    purpose:
      'Where npm run archive writes its verified files: s3://bucket/prefix (an S3-compatible bucket, through AWS_ENDPOINT_URL and the AWS_* credentials) or file:///directory; unset: the --out directory (default ./archive)',
  },
  {
    name: 'AWS_ENDPOINT_URL',
    group: 'Archive',
    purpose:
      'S3-compatible endpoint of ARCHIVE_URL (MinIO, Ceph, R2, a local server); unset: AWS S3 itself. Set, requests use path-style URLs',
  },
  {
    name: 'AWS_REGION',
    group: 'Archive',
    purpose: 'Region of the ARCHIVE_URL bucket',
    defaultText: 'us-east-1',
  },
  {
    name: 'AWS_ACCESS_KEY_ID',
    group: 'Archive',
    purpose:
      'Access key of the ARCHIVE_URL bucket (with AWS_SECRET_ACCESS_KEY); unset: the SDK’s default credentials (instance role, ~/.aws)',
    secret: true,
  },
  {
    name: 'AWS_SECRET_ACCESS_KEY',
    group: 'Archive',
    purpose: 'Secret key of the ARCHIVE_URL bucket (with AWS_ACCESS_KEY_ID)',
    secret: true,
  },
  // Chain
  {
    name: 'RPC_URL',
    group: 'Chain',
    purpose: 'Ethereum JSON-RPC endpoint (primary)',
    example: 'https://eth-mainnet.g.alchemy.com/v2/YOUR_KEY',
    requiredIn: ['REAL', 'PRODUCTION'],
    secret: true,
  },
  {
    name: 'RPC_BACKUP_URL',
    group: 'Chain',
    purpose: 'Ethereum JSON-RPC endpoint used when the primary fails',
    secret: true,
  },
  {
    name: 'CHAIN_ID',
    group: 'Chain',
    purpose:
      'Expected chain id, which picks the network (1 Ethereum, 11155111 Sepolia, 8453 Base, 84532 Base Sepolia, 42161 Arbitrum One, 10 OP Mainnet, 31337 local): its explorer, confirmations and fee model; startup fails when the RPC reports another, or when the registry does not know it and CHAIN_NAME, CHAIN_FEE_MODEL and RELAYER_CONFIRMATIONS do not describe it',
    example: '1',
  },
  {
    name: 'CHAIN_NAME',
    group: 'Chain',
    purpose: 'Name of a custom network (a CHAIN_ID the network registry does not know)',
  },
  {
    name: 'CHAIN_FEE_MODEL',
    group: 'Chain',
    purpose:
      'Fee model of a custom network: ethereum (gas × price), op-stack (plus the L1 data fee of the GasPriceOracle predeploy) or arbitrum (L1 component in the gas)',
  },
  {
    name: 'RPC_TIMEOUT_MS',
    group: 'Chain',
    purpose: 'Timeout of one JSON-RPC request before it counts as failed',
    defaultText: '10000',
  },
  {
    name: 'EXPLORER_URL',
    group: 'Chain',
    purpose:
      'Block explorer base URL for links (default: the network’s explorer from the registry — Etherscan, Basescan, Arbiscan, … — none on local chains)',
  },
  {
    name: 'DEPLOYER_PRIVATE_KEY',
    group: 'Chain',
    purpose: 'Key that deploys contracts (deploy scripts only; keep it offline otherwise)',
    secret: true,
  },
  {
    name: 'RELAYER_PRIVATE_KEY',
    group: 'Chain',
    purpose: 'Hot wallet that mints SGE-IDs and sends payouts, paying the gas',
    requiredIn: ['REAL', 'PRODUCTION'],
    secret: true,
  },
  {
    name: 'TREASURY_ADDRESS',
    group: 'Chain',
    purpose: 'Treasury (multi-sig) that receives claim fees and funds payouts',
    requiredIn: ['PRODUCTION'],
  },
  {
    name: 'RELAYER_BALANCE_WARNING_ETH',
    group: 'Chain',
    purpose: 'Relayer balance below which /status and fund-check warn',
    defaultText: '0.1',
  },
  {
    name: 'RELAYER_BALANCE_CRITICAL_ETH',
    group: 'Chain',
    purpose: 'Relayer balance below which the relayer is reported critical',
    defaultText: '0.05',
  },
  {
    name: 'RELAYER_PRIORITY_FEE_GWEI',
    group: 'Chain',
    purpose: 'EIP-1559 tip the relayer offers per gas, in gwei (0 = base fee only, the cheapest)',
    defaultText: '0',
  },
  {
    name: 'RELAYER_MAX_FEE_GWEI',
    group: 'Chain',
    purpose: 'Highest fee per gas the relayer ever offers, in gwei (it waits rather than pay more)',
    defaultText: '300',
  },
  {
    name: 'RELAYER_REPLACE_AFTER_SECONDS',
    group: 'Chain',
    purpose: 'A relayer transaction not mined this long is replaced with higher fees (same nonce)',
    defaultText: '60',
  },
  {
    name: 'RELAYER_FEE_BUMP_PERCENT',
    group: 'Chain',
    purpose: 'How much each replacement raises the fees, in percent (nodes require at least 10)',
    defaultText: '15',
  },
  {
    name: 'RELAYER_MIN_BALANCE_ETH',
    group: 'Chain',
    purpose: 'The relayer refuses to send new transactions below this balance',
    defaultText: '0.01',
  },
  {
    name: 'RELAYER_CONFIRMATIONS',
    group: 'Chain',
    purpose:
      'Blocks including and on top of a transaction before it counts as final (required for a custom network)',
    defaultText:
      'the network’s: 3 Ethereum and Sepolia, 10 Base and OP, 20 Arbitrum, 1 local or CHAIN_ID unset',
  },
  {
    name: 'RELAYER_POLL_INTERVAL_MS',
    group: 'Chain',
    purpose: 'How often the relayer checks its pending transactions',
    defaultText: '1000',
  },
  {
    name: 'RELAYER_REBROADCAST_SECONDS',
    group: 'Chain',
    purpose: 'A pending relayer transaction is sent again this often (nodes may drop it)',
    defaultText: '30',
  },
  // Contracts
  { name: 'SGE_ID_ADDRESS', group: 'Contracts', purpose: 'SGEID identity token (ERC-721) contract' },
  { name: 'SGE_CLAIM_ADDRESS', group: 'Contracts', purpose: 'SGEClaim contract (USDC/USDT → SGE)' },
  { name: 'PAYOUT_ADDRESS', group: 'Contracts', purpose: 'SGEPayout contract (batched affiliate payouts)' },
  {
    name: 'AFFILIATE_REGISTRY_ADDRESS',
    group: 'Contracts',
    purpose: 'Optional on-chain affiliate referral registry',
  },
  { name: 'USDC_ADDRESS', group: 'Contracts', purpose: 'USDC token (6 decimals)' },
  { name: 'USDT_ADDRESS', group: 'Contracts', purpose: 'USDT token (6 decimals)' },
  { name: 'SGE_TOKEN_ADDRESS', group: 'Contracts', purpose: 'SGE token (18 decimals)' },
  // Security
  {
    name: 'ADMIN_API_KEYS',
    group: 'Security',
    purpose:
      'Named admins, name:key[:0xWallet] entries separated by commas; the name is the actor in the audit log, the wallet (optional, one per admin) signs that admin’s payout approvals. Real and Production refuse these example keys and any key under ~128 bits (make one with npm run wallet:new); without any key, Real mode has no admin access and Production does not start',
    example:
      'alice:change-me-long-random-key:0x00000000000000000000000000000000000A11cE,bob:another-long-random-key',
    defaultText: 'Mock mode only: dev:dev-admin-key:<anvil account 7>,dev2:dev-admin-key-2:<anvil account 8>',
    secret: true,
  },
  {
    name: 'ADMIN_API_KEY',
    group: 'Security',
    purpose: 'A single admin key (the seed guide); same as ADMIN_API_KEYS=admin:<key>',
    secret: true,
  },
  {
    name: 'MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD',
    group: 'Security',
    purpose:
      'A manual payment above this amount (micro-USD: 1000000000 = 1,000 USD) is recorded only after a second admin approves it; at or below it, at once',
    defaultText: '1000000000',
  },
  {
    name: 'CONTRACT_ADDRESS_ALLOWLIST',
    group: 'Security',
    purpose:
      'Addresses (comma-separated, checksummed) an admin may set as a program’s treasury or contract, besides the deployment records (packages/contracts/deployments/<chainId>.json) and the configured addresses',
  },
  {
    name: 'COINBASE_COMMERCE_API_KEY',
    group: 'Security',
    purpose: 'Coinbase Commerce API key (creates charges in Real mode)',
    secret: true,
  },
  {
    name: 'COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET',
    group: 'Security',
    purpose: 'Coinbase Commerce webhook shared secret (verifies X-CC-Webhook-Signature)',
    secret: true,
  },
  {
    name: 'COINBASE_COMMERCE_SECRET',
    group: 'Security',
    purpose: 'Alias of COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET (the seed guide name)',
    secret: true,
  },
  {
    name: 'COINBASE_BUSINESS_API_KEY_ID',
    group: 'Security',
    purpose:
      'Coinbase Business (CDP) API key id, e.g. organizations/<org>/apiKeys/<id>: creates Business checkouts for programs with paymentProvider coinbase-business (Real mode)',
  },
  {
    name: 'COINBASE_BUSINESS_API_KEY_SECRET',
    group: 'Security',
    purpose:
      'Coinbase Business (CDP) API key secret (Ed25519 base64 or EC PEM): signs the JWT bearer of each call',
    secret: true,
  },
  {
    name: 'COINBASE_BUSINESS_WEBHOOK_SECRET',
    group: 'Security',
    purpose:
      'Secret of the Business checkout webhook subscription (verifies X-Hook0-Signature on POST /api/payments/business/webhook); Mock mode has a development one',
    secret: true,
  },
  {
    name: 'COINBASE_BUSINESS_API_URL',
    group: 'Security',
    purpose:
      'Coinbase Business API base URL (checkouts at <url>/checkouts; tests point it at a local server)',
    defaultText: 'https://business.coinbase.com/api/v1',
  },
  {
    name: 'ONCHAIN_PAYMENT_TTL_SECONDS',
    group: 'Workers',
    purpose: 'How long a direct on-chain payment request stays payable (60 to 604800 seconds)',
    defaultText: '3600',
  },
  {
    name: 'ALTCHA_HMAC_KEY',
    group: 'Security',
    purpose:
      'HMAC key signing the ALTCHA proof-of-work challenges of programs with the challenge gate (GET /api/register/challenge); Mock mode has a development key, elsewhere a gated program refuses registrations until it is set',
    secret: true,
  },
  {
    name: 'GLOBAL_DAILY_GAS_BUDGET_WEI',
    group: 'Workers',
    purpose:
      'Most relayer gas (wei) spent on sponsored SGE-ID mints per UTC day over all programs; once crossed, mint workers leave registrations PENDING (nothing lost) until the budget is raised or the day turns. Unset: no global budget',
  },
  {
    name: 'COINBASE_COMMERCE_API_URL',
    group: 'Security',
    purpose:
      'Coinbase Commerce REST API base URL (charges are created at <url>/charges in Real mode; tests point it at a local server)',
    defaultText: 'https://api.commerce.coinbase.com',
  },
  // Workers
  {
    name: 'WORKER_CONCURRENCY',
    group: 'Workers',
    purpose: 'Jobs one worker process runs at once per queue',
    defaultText: '4',
  },
  {
    name: 'CLAIM_WATCHER_INTERVAL_MS',
    group: 'Workers',
    purpose:
      'How often workers read the events of the claim contracts to record claims made without the API (0 = no watcher in this process)',
    defaultText: '2000',
  },
  {
    name: 'COMMISSION_MATURITY_INTERVAL_MS',
    group: 'Workers',
    purpose:
      'How often workers move commissions past their hold period from ACCRUED to PAYABLE (tests and demos with a hold period of 0 use a short one)',
    defaultText: '60000',
  },
  {
    name: 'SWEEP_INTERVAL_MS',
    group: 'Workers',
    purpose: 'How often workers look in the database for work whose queue job was lost',
    defaultText: '5000',
  },
  {
    name: 'INTENT_TIMEOUT_MINUTES',
    group: 'Workers',
    purpose: 'An intent PROCESSING longer than this is stuck: it is reclaimed and reported',
    defaultText: '10',
  },
  {
    name: 'MINT_BATCH_LEASE_SECONDS',
    group: 'Workers',
    purpose:
      'A worker that stops renewing its mint batch for this long is presumed dead; another resumes the batch',
    defaultText: '120',
  },
  {
    name: 'RECONCILIATION_SCHEDULE',
    group: 'Workers',
    purpose:
      'When workers run the scheduled reconciliation: a cron expression in UTC (minute hour day month weekday); once per slot across all workers; off: never (admins still run it on demand)',
    defaultText: '0 2 * * *',
  },
  {
    name: 'RECONCILIATION_RECHECK_BLOCKS',
    group: 'Workers',
    purpose:
      'Reorg window of incremental reconciliation: settlements in this many blocks below the chain head are matched against the chain again in every run (1 to 1000000)',
    defaultText: '128',
  },
  {
    name: 'RECONCILIATION_RECHECK_MINUTES',
    group: 'Workers',
    purpose:
      'Re-check window of incremental reconciliation: database rows recorded this long before the last checked one are checked again (20 to 10080)',
    defaultText: '60',
  },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    group: 'Workers',
    purpose: 'On SIGTERM, how long in-flight requests and jobs may take to finish before exit',
    defaultText: '30000',
  },
  // Monitoring
  {
    name: 'LOG_LEVEL',
    group: 'Monitoring',
    purpose: 'fatal, error, warn, info, debug, trace or silent',
    example: 'info',
    defaultText: 'info',
  },
  {
    name: 'SENTRY_DSN',
    group: 'Monitoring',
    purpose:
      'Sentry DSN: unexpected errors (5xx answers, failed jobs, uncaught exceptions) are reported there, scrubbed of keys and signatures',
    secret: true,
  },
  {
    name: 'SENTRY_RELEASE',
    group: 'Monitoring',
    purpose: 'The release Sentry files errors under (e.g. a git tag or commit)',
    example: 'sge-platform@1.4.0',
    defaultText: 'sge-platform@<package version>',
  },
];

/** Variables whose value must never be logged. */
export const SECRET_VARIABLE_NAMES: ReadonlySet<string> = new Set(
  VARIABLES.filter((variable) => variable.secret).map((variable) => variable.name),
);
