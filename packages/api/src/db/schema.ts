import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Kysely table types, mirroring the migrations in db/migrations. numeric columns (amounts, token ids)
 * arrive as bigint and bigint (int8) columns as number: see the type parsers in db/client.ts.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
type Amount = ColumnType<bigint, bigint | string | number, bigint | string | number>;

export type TProgramStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED';
export type TIntentType = 'REGISTER' | 'CLAIM' | 'COMMERCE_PAYMENT' | 'PAYOUT';
export type TIntentStatus = 'PENDING' | 'PROCESSING' | 'CONFIRMED' | 'FAILED';
export type TCurrency = 'USD' | 'USDC' | 'USDT' | 'SGE' | 'ETH';

export interface ProgramsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  status: ColumnType<TProgramStatus, TProgramStatus | undefined, TProgramStatus>;
  treasury_address: string | null;
  sge_id_address: string | null;
  sge_claim_address: string | null;
  payout_address: string | null;
  fee_micro_usd: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  claim_amount_wei: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  commission_levels_bps: ColumnType<number[], number[] | undefined, number[]>;
  max_affiliate_depth: ColumnType<number, number | undefined, number>;
  hold_period_seconds: ColumnType<number, number | undefined, number>;
  min_payout_micro_usd: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  payment_required: ColumnType<boolean, boolean | undefined, boolean>;
  kyc_required: ColumnType<boolean, boolean | undefined, boolean>;
  registration_proof: ColumnType<'required' | 'none', 'required' | 'none' | undefined, 'required' | 'none'>;
  allowlist_required: ColumnType<boolean, boolean | undefined, boolean>;
  challenge_required: ColumnType<boolean, boolean | undefined, boolean>;
  mints_per_day_max: number | null;
  gas_per_day_max_wei: ColumnType<bigint | null, bigint | string | null | undefined, bigint | string | null>;
  /** Issue 19 (0016): how the program's payment gate is paid. */
  payment_provider: ColumnType<TPaymentProviderName, TPaymentProviderName | undefined, TPaymentProviderName>;
  claim_relay_fee_micro_usd: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ProgramAllowlistTable {
  program_id: string;
  wallet: string;
  added_at: CreatedAt;
}

export interface AffiliatesTable {
  id: Generated<string>;
  program_id: string;
  wallet: string;
  code: string;
  parent_id: string | null;
  depth: ColumnType<number, number | undefined, number>;
  status: ColumnType<'PENDING' | 'ACTIVE' | 'SUSPENDED' | 'TERMINATED', string | undefined, string>;
  terms_message: string | null;
  terms_signature: string | null;
  terms_signed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  program_id: string;
  wallet: string;
  referred_by_affiliate_id: string | null;
  referral_note: string | null;
  token_id: bigint | null;
  registered_at: Timestamp | null;
  claim_status: ColumnType<
    'UNCLAIMED' | 'CLAIMED',
    'UNCLAIMED' | 'CLAIMED' | undefined,
    'UNCLAIMED' | 'CLAIMED'
  >;
  claimed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface IntentsTable {
  id: Generated<string>;
  program_id: string;
  type: TIntentType;
  idempotency_key: string;
  wallet: string | null;
  status: ColumnType<TIntentStatus, TIntentStatus | undefined, TIntentStatus>;
  status_reason: string | null;
  payload: Json<Record<string, unknown>>;
  result: Json<Record<string, unknown>> | null;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  confirmed_at: Timestamp | null;
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IntentEventsTable {
  id: Generated<number>;
  intent_id: string;
  from_status: TIntentStatus | null;
  to_status: TIntentStatus;
  reason: string | null;
  at: CreatedAt;
}

export interface SettlementsTable {
  id: Generated<string>;
  program_id: string;
  intent_id: string;
  kind: TIntentType;
  wallet: string | null;
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  log_index: number | null;
  provider_ref: string | null;
  amount: Amount;
  currency: string;
  details: Json<Record<string, unknown>>;
  verified_at: Timestamp | null;
  created_at: CreatedAt;
  /** 0003-money: set once, when the settlement's commissions were accrued. */
  commissions_accrued_at: Timestamp | null;
}

export interface LedgerTransactionsTable {
  id: Generated<string>;
  program_id: string;
  reference: string;
  kind: string;
  description: string | null;
  content_hash: string;
  reverses_id: string | null;
  created_at: CreatedAt;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: string;
  program_id: string;
  account: string;
  currency: TCurrency;
  amount: Amount;
  created_at: CreatedAt;
}

/** Maintained by the ledger's commit-time trigger (migration 0013); read-only to the code. */
export interface LedgerBalancesTable {
  program_id: string;
  account: string;
  currency: TCurrency;
  balance: ColumnType<bigint, never, never>;
  entry_count: ColumnType<number, never, never>;
  updated_at: ColumnType<Date, never, never>;
}

/**
 * Counts (and sums) kept per program by triggers (0021), in 16 shards per counter: `users`, `registrations`,
 * `claims`, `affiliates`, `commissions:<STATUS>`. Read only (sum over the shards).
 */
export interface ProgramCountersTable {
  program_id: string;
  counter: string;
  shard: ColumnType<number, never, never>;
  n: ColumnType<number, never, never>;
  amount: ColumnType<bigint, never, never>;
}

/** Maintained partial sums of ledger_balances per (program, currency), 64 per pair by account hash (0013). */
export interface LedgerBalanceTotalsTable {
  program_id: string;
  currency: TCurrency;
  shard: ColumnType<number, never, never>;
  balance: ColumnType<bigint, never, never>;
}

/** The UTC midnights up to which balance checkpoints were written; inserting one writes them (0013). */
export interface LedgerCheckpointDaysTable {
  as_of: ColumnType<Date, Date | string, never>;
  created_at: CreatedAt;
}

/** An account's balance as of a checkpoint day: entries created before `as_of` (written by the trigger). */
export interface LedgerBalanceCheckpointsTable {
  program_id: string;
  account: string;
  currency: TCurrency;
  as_of: ColumnType<Date, never, never>;
  balance: ColumnType<bigint, never, never>;
  entry_count: ColumnType<number, never, never>;
}

export interface CommissionsTable {
  id: Generated<string>;
  program_id: string;
  settlement_id: string;
  affiliate_id: string;
  level: number;
  rate_bps: number;
  base_amount: Amount;
  amount: Amount;
  currency: string;
  status: ColumnType<'ACCRUED' | 'PAYABLE' | 'PAID' | 'CANCELLED', string | undefined, string>;
  payable_at: Timestamp;
  payout_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PayoutBatchesTable {
  id: Generated<string>;
  program_id: string;
  status: ColumnType<
    'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXECUTING' | 'COMPLETED' | 'FAILED',
    string | undefined,
    string
  >;
  currency: ColumnType<string, string | undefined, string>;
  total: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  created_by: string;
  approved_by: string | null;
  rejected_by: string | null;
  reason: string | null;
  intent_id: string | null;
  tx_hash: string | null;
  created_at: CreatedAt;
  approved_at: Timestamp | null;
  completed_at: Timestamp | null;
  updated_at: Timestamp;
  /** What the approvers sign (migration 0009); null on batches created before it. */
  chain_id: number | null;
  payout_contract: string | null;
  token: string | null;
  approval_deadline: Timestamp | null;
  /** The transaction that voided a signed batch on the payout contract before it was cancelled. */
  voided_tx_hash: string | null;
}

export interface PayoutBatchSignaturesTable {
  batch_id: string;
  admin: string;
  signer: string;
  signature: string;
  created_at: CreatedAt;
}

export interface PayoutsTable {
  id: Generated<string>;
  batch_id: string;
  program_id: string;
  affiliate_id: string;
  wallet: string;
  amount: Amount;
  currency: string;
  status: ColumnType<'PENDING' | 'PAID' | 'CANCELLED' | 'SKIPPED', string | undefined, string>;
  /** Why the payout contract skipped this payout (status SKIPPED). */
  skip_reason: string | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor: string;
  action: string;
  program_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  before: Json | null;
  after: Json | null;
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: Json | null;
  created_at: CreatedAt;
}

export interface WebhookEventsTable {
  id: string;
  provider: string;
  type: string;
  payload: Json;
  status: ColumnType<'RECEIVED' | 'PROCESSED' | 'FAILED', string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
}

export interface CommerceChargesTable {
  code: string;
  program_id: string;
  wallet: string;
  email: string | null;
  status: ColumnType<string, string | undefined, string>;
  hosted_url: string;
  amount: Amount;
  currency: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** 0006-commerce: Commerce's charge id (null for Mock mode's simulated checkout until it mints one). */
  commerce_id: string | null;
  source: ColumnType<TChargeSource, TChargeSource | undefined, TChargeSource>;
  expires_at: Timestamp | null;
  ref: string | null;
  referrer_affiliate_id: string | null;
  referral_note: string | null;
  return_url: string | null;
  refreshed_at: Timestamp | null;
  confirmed_at: Timestamp | null;
}

/** 0006-commerce: the status history of a Commerce charge. */
export interface CommerceChargeEventsTable {
  id: Generated<number>;
  charge_code: string;
  status: string;
  cause: 'created' | 'webhook' | 'refresh' | 'admin';
  webhook_event_id: string | null;
  event_type: string | null;
  occurred_at: Timestamp;
  recorded_at: CreatedAt;
  details: Json<Record<string, unknown>>;
}

export interface WorkerHeartbeatsTable {
  worker_id: string;
  role: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface ChainCursorsTable {
  name: string;
  block_number: number;
  updated_at: Timestamp;
}

export type TRelayerTxStatus =
  | 'SIGNED'
  | 'BROADCAST'
  | 'MINED'
  | 'CONFIRMED'
  | 'REVERTED'
  | 'CANCELLED'
  | 'NONCE_CONFLICT';

export interface RelayerAccountsTable {
  chain_id: number;
  address: string;
  next_nonce: number;
  updated_at: Timestamp;
}

export interface RelayerTransactionsTable {
  id: Generated<string>;
  chain_id: number;
  from_address: string;
  nonce: number;
  purpose: string;
  reference: string;
  to_address: string;
  data: string;
  value_wei: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  gas_limit: Amount;
  status: ColumnType<TRelayerTxStatus, TRelayerTxStatus | undefined, TRelayerTxStatus>;
  last_error: string | null;
  mined_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  gas_used: bigint | null;
  effective_gas_price_wei: bigint | null;
  /** OP-stack: the receipt's L1 data fee; 0 on other chains; NULL until mined (migration 0018). */
  l1_fee_wei: bigint | null;
  broadcast_count: ColumnType<number, number | undefined, number>;
  last_broadcast_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RelayerAttemptsTable {
  id: Generated<number>;
  transaction_id: string;
  tx_hash: string;
  raw_tx: string;
  max_fee_per_gas_wei: Amount;
  max_priority_fee_per_gas_wei: Amount;
  is_cancellation: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface ProgramApiKeysTable {
  id: Generated<string>;
  program_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface SiweNoncesTable {
  nonce: string;
  program_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AffiliateSessionsTable {
  id: Generated<string>;
  token_hash: string;
  program_id: string;
  wallet: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SettlementRefundsTable {
  settlement_id: string;
  program_id: string;
  reason: string;
  ledger_transaction_id: string | null;
  created_at: CreatedAt;
}

export interface CommissionClawbacksTable {
  id: Generated<string>;
  program_id: string;
  commission_id: string;
  affiliate_id: string;
  amount: Amount;
  currency: string;
  status: ColumnType<'OPEN' | 'SETTLED', 'OPEN' | 'SETTLED' | undefined, 'OPEN' | 'SETTLED'>;
  payout_id: string | null;
  reason: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MintBatchesTable {
  id: Generated<string>;
  program_id: string;
  contract_address: string;
  status: ColumnType<
    'CREATED' | 'SENT' | 'SETTLED' | 'FAILED',
    'CREATED' | 'SENT' | 'SETTLED' | 'FAILED' | undefined,
    'CREATED' | 'SENT' | 'SETTLED' | 'FAILED'
  >;
  size: number;
  relayer_transaction_id: string | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  settled_at: Timestamp | null;
}

/** 0007-reconciliation: one row per reconciliation run, its checks' results as JSON. */
export interface ReconciliationRunsTable {
  id: Generated<string>;
  trigger: 'SCHEDULED' | 'MANUAL';
  slot: Date | null;
  status: ColumnType<
    'RUNNING' | 'OK' | 'WARN' | 'FAIL' | 'ERROR',
    'RUNNING' | 'OK' | 'WARN' | 'FAIL' | 'ERROR' | undefined,
    'RUNNING' | 'OK' | 'WARN' | 'FAIL' | 'ERROR'
  >;
  requested_by: string;
  requested_checks: string[];
  checks: Json<unknown[]>;
  finding_count: ColumnType<number, number | undefined, number>;
  error: string | null;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
  mode: ColumnType<'INCREMENTAL' | 'FULL', 'INCREMENTAL' | 'FULL' | undefined, 'INCREMENTAL' | 'FULL'>;
  progress: Json<Record<string, unknown>> | null;
  progress_at: Timestamp | null;
  picked_by: string | null;
}

export interface ReconciliationWatermarksTable {
  check_name: string;
  position: Json<Record<string, unknown>>;
  run_id: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** 0008-custody-approvals: changes waiting for (or decided by) a second admin. */
export interface ChangeRequestsTable {
  id: Generated<string>;
  program_id: string;
  kind: 'PROGRAM_SETTINGS' | 'MANUAL_PAYMENT';
  subject_key: string;
  payload: Json<Record<string, unknown>>;
  before: Json<Record<string, unknown>> | null;
  status: ColumnType<
    'PENDING' | 'APPLIED' | 'REJECTED' | 'EXPIRED',
    'PENDING' | undefined,
    'PENDING' | 'APPLIED' | 'REJECTED' | 'EXPIRED'
  >;
  proposed_by: string;
  proposed_by_wallet: string | null;
  proposed_at: CreatedAt;
  request_id: string | null;
  expires_at: Date;
  decided_by: string | null;
  decided_by_wallet: string | null;
  decided_at: Timestamp | null;
  reason: string | null;
  result: Json<Record<string, unknown>> | null;
}

/** 0022-daily-rollups: the overview's figures per (program, UTC day, shard), maintained by triggers; read-only. */
export interface DailyRollupsTable {
  program_id: string;
  day: ColumnType<string, never, never>;
  shard: ColumnType<number, never, never>;
  registrations: ColumnType<number, never, never>;
  claims: ColumnType<number, never, never>;
  claim_fees_micro_usd: ColumnType<bigint, never, never>;
  sge_claimed_wei: ColumnType<bigint, never, never>;
  revenue_micro_usd: ColumnType<bigint, never, never>;
  refunds_micro_usd: ColumnType<bigint, never, never>;
  commissions_accrued_micro_usd: ColumnType<bigint, never, never>;
  commissions_payable_micro_usd: ColumnType<bigint, never, never>;
  commissions_paid_micro_usd: ColumnType<bigint, never, never>;
  commissions_cancelled_micro_usd: ColumnType<bigint, never, never>;
  payouts: ColumnType<number, never, never>;
  payouts_micro_usd: ColumnType<bigint, never, never>;
  gas_spent_wei: ColumnType<bigint, never, never>;
}

export interface Database {
  daily_rollups: DailyRollupsTable;
  mint_batches: MintBatchesTable;
  relayer_accounts: RelayerAccountsTable;
  relayer_transactions: RelayerTransactionsTable;
  relayer_attempts: RelayerAttemptsTable;
  programs: ProgramsTable;
  program_allowlist: ProgramAllowlistTable;
  affiliates: AffiliatesTable;
  users: UsersTable;
  intents: IntentsTable;
  intent_events: IntentEventsTable;
  settlements: SettlementsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_balances: LedgerBalancesTable;
  ledger_balance_totals: LedgerBalanceTotalsTable;
  ledger_checkpoint_days: LedgerCheckpointDaysTable;
  ledger_balance_checkpoints: LedgerBalanceCheckpointsTable;
  program_counters: ProgramCountersTable;
  commissions: CommissionsTable;
  payout_batches: PayoutBatchesTable;
  payouts: PayoutsTable;
  payout_batch_signatures: PayoutBatchSignaturesTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  webhook_events: WebhookEventsTable;
  commerce_charges: CommerceChargesTable;
  commerce_charge_events: CommerceChargeEventsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  chain_cursors: ChainCursorsTable;
  program_api_keys: ProgramApiKeysTable;
  siwe_nonces: SiweNoncesTable;
  affiliate_sessions: AffiliateSessionsTable;
  settlement_refunds: SettlementRefundsTable;
  commission_clawbacks: CommissionClawbacksTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_watermarks: ReconciliationWatermarksTable;
  change_requests: ChangeRequestsTable;
  onchain_payment_requests: OnchainPaymentRequestsTable;
  onchain_payments: OnchainPaymentsTable;
}

/** Payment providers a program can use (issue 19, 0016). */
export type TPaymentProviderName = 'coinbase-business' | 'coinbase-commerce' | 'onchain';
/** Where a checkout was made: Commerce, Coinbase Business, or Mock mode's simulation of either. */
export type TChargeSource = 'COMMERCE' | 'MOCK' | 'BUSINESS' | 'MOCK_BUSINESS';

/** A direct on-chain payment asked of a wallet (issue 19, 0016). */
export interface OnchainPaymentRequestsTable {
  id: Generated<string>;
  program_id: string;
  wallet: string;
  chain_id: number;
  token: 'USDC' | 'USDT';
  token_address: string;
  treasury: string;
  amount: ColumnType<bigint, bigint | string, bigint | string>;
  status: ColumnType<'PENDING' | 'PAID' | 'EXPIRED', 'PENDING' | undefined, 'PENDING' | 'PAID' | 'EXPIRED'>;
  from_block: number;
  referrer_affiliate_id: string | null;
  expires_at: Timestamp;
  created_at: CreatedAt;
  paid_at: Date | null;
  settlement_id: string | null;
}

/** One Transfer log recorded as a payment: the key (chain, tx hash, log index) makes it one payment, once. */
export interface OnchainPaymentsTable {
  chain_id: number;
  tx_hash: string;
  log_index: number;
  request_id: string;
  settlement_id: string;
  source: 'page' | 'watcher';
  recorded_at: CreatedAt;
}

export type TProgram = Selectable<ProgramsTable>;
export type TChangeRequest = Selectable<ChangeRequestsTable>;
export type TIntent = Selectable<IntentsTable>;
export type TNewIntent = Insertable<IntentsTable>;
export type TIntentUpdate = Updateable<IntentsTable>;
export type TRelayerTransaction = Selectable<RelayerTransactionsTable>;
