import { DEFAULT_PROGRAM_ID } from '@sge/shared';
import { type Kysely, sql } from 'kysely';

export { DEFAULT_PROGRAM_ID };

/**
 * The core schema: every entity of SPEC §4, and the ledger's rules enforced by the database itself:
 * - a ledger transaction's entries sum to zero per currency, checked at COMMIT (deferred constraint trigger);
 * - ledger entries and transactions are immutable (UPDATE/DELETE raise);
 * - a payout batch cannot be approved by the admin who created it (CHECK constraint);
 * - every intent status change is recorded in intent_events (trigger), with its reason.
 *
 * Amounts are numeric(78,0): integers in the currency's smallest unit, wide enough for uint256.
 * Wallet addresses are stored EIP-55 checksummed (the API canonicalises them), so equality is exact.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE programs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'PAUSED', 'ARCHIVED')),
  treasury_address text CHECK (treasury_address ~ '^0x[0-9a-fA-F]{40}$'),
  sge_id_address text CHECK (sge_id_address ~ '^0x[0-9a-fA-F]{40}$'),
  sge_claim_address text CHECK (sge_claim_address ~ '^0x[0-9a-fA-F]{40}$'),
  payout_address text CHECK (payout_address ~ '^0x[0-9a-fA-F]{40}$'),
  fee_micro_usd numeric(78,0) NOT NULL DEFAULT 100000000 CHECK (fee_micro_usd >= 0),
  claim_amount_wei numeric(78,0) NOT NULL DEFAULT 1000000000000000000000 CHECK (claim_amount_wei >= 0),
  commission_levels_bps integer[] NOT NULL DEFAULT '{1000,500}'
    CHECK (cardinality(commission_levels_bps) <= 10 AND 0 <= ALL (commission_levels_bps) AND 10000 >= ALL (commission_levels_bps)),
  max_affiliate_depth integer NOT NULL DEFAULT 5 CHECK (max_affiliate_depth BETWEEN 1 AND 20),
  hold_period_seconds integer NOT NULL DEFAULT 1209600 CHECK (hold_period_seconds >= 0),
  min_payout_micro_usd numeric(78,0) NOT NULL DEFAULT 10000000 CHECK (min_payout_micro_usd >= 0),
  payment_required boolean NOT NULL DEFAULT false,
  kyc_required boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO programs (id, slug, name) VALUES ('${DEFAULT_PROGRAM_ID}', 'default', 'Default program');

CREATE TABLE affiliates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{3,32}$'),
  parent_id uuid REFERENCES affiliates(id),
  depth integer NOT NULL DEFAULT 1 CHECK (depth >= 1),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'TERMINATED')),
  terms_message text,
  terms_signature text,
  terms_signed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id),
  UNIQUE (program_id, wallet)
);
CREATE UNIQUE INDEX affiliates_program_code_key ON affiliates (program_id, lower(code));
CREATE INDEX affiliates_parent_idx ON affiliates (parent_id);

-- The affiliate tree never forms a cycle: a parent must be in the same program, and changing a parent
-- to a descendant (or to itself) is refused. Depth follows the parent.
CREATE FUNCTION affiliates_check_tree() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_program uuid;
  parent_depth integer;
  cursor_id uuid;
  steps integer := 0;
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.depth := 1;
    RETURN NEW;
  END IF;
  SELECT program_id, depth INTO parent_program, parent_depth FROM affiliates WHERE id = NEW.parent_id;
  IF parent_program IS NULL OR parent_program <> NEW.program_id THEN
    RAISE EXCEPTION 'affiliate parent % is not in program %', NEW.parent_id, NEW.program_id
      USING ERRCODE = 'check_violation';
  END IF;
  cursor_id := NEW.parent_id;
  WHILE cursor_id IS NOT NULL LOOP
    IF cursor_id = NEW.id THEN
      RAISE EXCEPTION 'affiliate tree cycle through %', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    steps := steps + 1;
    IF steps > 1000 THEN
      RAISE EXCEPTION 'affiliate tree deeper than 1000' USING ERRCODE = 'check_violation';
    END IF;
    SELECT parent_id INTO cursor_id FROM affiliates WHERE id = cursor_id;
  END LOOP;
  NEW.depth := parent_depth + 1;
  RETURN NEW;
END $$;
CREATE TRIGGER affiliates_tree BEFORE INSERT OR UPDATE OF parent_id ON affiliates
  FOR EACH ROW EXECUTE FUNCTION affiliates_check_tree();

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  referred_by_affiliate_id uuid REFERENCES affiliates(id),
  referral_note text,
  token_id numeric(78,0),
  registered_at timestamptz,
  claim_status text NOT NULL DEFAULT 'UNCLAIMED' CHECK (claim_status IN ('UNCLAIMED', 'CLAIMED')),
  claimed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (program_id, wallet)
);
CREATE INDEX users_referred_by_idx ON users (referred_by_affiliate_id) WHERE referred_by_affiliate_id IS NOT NULL;

-- First touch is locked: once set, the referring affiliate never changes.
CREATE FUNCTION users_lock_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.referred_by_affiliate_id IS NOT NULL
     AND NEW.referred_by_affiliate_id IS DISTINCT FROM OLD.referred_by_affiliate_id THEN
    RAISE EXCEPTION 'user % referral is locked', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_referral_locked BEFORE UPDATE OF referred_by_affiliate_id ON users
  FOR EACH ROW EXECUTE FUNCTION users_lock_referral();

CREATE TABLE intents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  type text NOT NULL CHECK (type IN ('REGISTER', 'CLAIM', 'COMMERCE_PAYMENT', 'PAYOUT')),
  idempotency_key text NOT NULL UNIQUE,
  wallet text CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'CONFIRMED', 'FAILED')),
  status_reason text,
  payload jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz
);
-- Few indexes on purpose: every one is paid on each accepted request (POST /api/register is the hot path).
-- Lookups by (program, wallet) go through idempotency_key, whose format embeds both.
CREATE INDEX intents_pending_idx ON intents (type, created_at) WHERE status = 'PENDING';
CREATE INDEX intents_processing_idx ON intents (type, locked_until) WHERE status = 'PROCESSING';
CREATE INDEX intents_status_created_idx ON intents (status, created_at);

CREATE TABLE intent_events (
  id bigserial PRIMARY KEY,
  intent_id uuid NOT NULL REFERENCES intents(id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX intent_events_intent_idx ON intent_events (intent_id, id);

-- Every state change of an intent is recorded, with the reason written in the same statement. Creation
-- is not a change (intents.created_at and the initial status record it), so accepting costs no extra row.
CREATE FUNCTION intents_record_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO intent_events (intent_id, from_status, to_status, reason)
      VALUES (NEW.id, OLD.status, NEW.status, NEW.status_reason);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER intents_events AFTER UPDATE OF status ON intents
  FOR EACH ROW EXECUTE FUNCTION intents_record_event();

CREATE TABLE settlements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  intent_id uuid NOT NULL UNIQUE REFERENCES intents(id),
  kind text NOT NULL CHECK (kind IN ('REGISTER', 'CLAIM', 'COMMERCE_PAYMENT', 'PAYOUT')),
  wallet text CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  tx_hash text CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
  block_number bigint,
  block_hash text,
  log_index integer,
  provider_ref text,
  amount numeric(78,0) NOT NULL DEFAULT 0,
  currency text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX settlements_program_kind_idx ON settlements (program_id, kind, created_at);
CREATE INDEX settlements_tx_idx ON settlements (tx_hash);

CREATE TABLE ledger_transactions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  reference text NOT NULL,
  kind text NOT NULL,
  description text,
  content_hash text NOT NULL,
  reverses_id uuid REFERENCES ledger_transactions(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (program_id, reference)
);
CREATE UNIQUE INDEX ledger_transactions_one_reversal ON ledger_transactions (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE ledger_entries (
  id bigserial PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES ledger_transactions(id),
  program_id uuid NOT NULL REFERENCES programs(id),
  account text NOT NULL CHECK (account ~ '^[a-z_]+(:[A-Za-z0-9_-]+:[a-z_]+)?$'),
  currency text NOT NULL CHECK (currency IN ('USD', 'USDC', 'USDT', 'SGE', 'ETH')),
  -- Signed: positive = debit, negative = credit. Never zero.
  amount numeric(78,0) NOT NULL CHECK (amount <> 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (program_id, account, currency, created_at);

-- A ledger transaction balances per currency: checked at COMMIT, so a transaction's entries can be
-- inserted one by one, but an unbalanced set never commits.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT currency, sum(amount) AS total INTO unbalanced
    FROM ledger_entries WHERE transaction_id = NEW.transaction_id
    GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced in %: entries sum to %',
      NEW.transaction_id, unbalanced.currency, unbalanced.total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- A ledger transaction has entries, and each entry is in its transaction's program.
CREATE FUNCTION ledger_check_has_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.id) THEN
    RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.id AND program_id <> NEW.program_id) THEN
    RAISE EXCEPTION 'ledger transaction % has entries of another program', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_transactions_have_entries AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_has_entries();

-- Entries and transactions are immutable: corrections are reversals.
CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

CREATE TABLE commissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  settlement_id uuid NOT NULL REFERENCES settlements(id),
  affiliate_id uuid NOT NULL REFERENCES affiliates(id),
  level integer NOT NULL CHECK (level >= 1),
  rate_bps integer NOT NULL CHECK (rate_bps BETWEEN 1 AND 10000),
  base_amount numeric(78,0) NOT NULL CHECK (base_amount >= 0),
  amount numeric(78,0) NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'ACCRUED' CHECK (status IN ('ACCRUED', 'PAYABLE', 'PAID', 'CANCELLED')),
  payable_at timestamptz NOT NULL,
  payout_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (settlement_id, level)
);
CREATE INDEX commissions_affiliate_idx ON commissions (affiliate_id, status);
CREATE INDEX commissions_maturing_idx ON commissions (payable_at) WHERE status = 'ACCRUED';

CREATE TABLE payout_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  status text NOT NULL DEFAULT 'PENDING_APPROVAL'
    CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXECUTING', 'COMPLETED', 'FAILED')),
  currency text NOT NULL DEFAULT 'USDC',
  total numeric(78,0) NOT NULL DEFAULT 0 CHECK (total >= 0),
  created_by text NOT NULL,
  approved_by text,
  rejected_by text,
  reason text,
  intent_id uuid REFERENCES intents(id),
  tx_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  approved_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Two-person rule, enforced by the database as well as the API.
  CONSTRAINT payout_batches_two_person CHECK (approved_by IS NULL OR approved_by <> created_by)
);
CREATE INDEX payout_batches_program_status_idx ON payout_batches (program_id, status);

CREATE TABLE payouts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES payout_batches(id),
  program_id uuid NOT NULL REFERENCES programs(id),
  affiliate_id uuid NOT NULL REFERENCES affiliates(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  amount numeric(78,0) NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'CANCELLED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (batch_id, affiliate_id)
);
ALTER TABLE commissions ADD CONSTRAINT commissions_payout_fk FOREIGN KEY (payout_id) REFERENCES payouts(id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  program_id uuid,
  subject_type text,
  subject_id text,
  before jsonb,
  after jsonb,
  request_id text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_change();

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

CREATE TABLE webhook_events (
  id text PRIMARY KEY,
  provider text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED', 'PROCESSED', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);

CREATE TABLE commerce_charges (
  code text PRIMARY KEY,
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  email text,
  status text NOT NULL DEFAULT 'NEW',
  hosted_url text NOT NULL,
  amount numeric(78,0) NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commerce_charges_wallet_idx ON commerce_charges (program_id, wallet);

CREATE TABLE worker_heartbeats (
  worker_id text PRIMARY KEY,
  role text NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);

CREATE TABLE chain_cursors (
  name text PRIMARY KEY,
  block_number bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP TABLE chain_cursors, worker_heartbeats, commerce_charges, webhook_events, idempotency_keys, audit_log CASCADE;
ALTER TABLE commissions DROP CONSTRAINT commissions_payout_fk;
DROP TABLE payouts, payout_batches, commissions CASCADE;
DROP TABLE ledger_entries, ledger_transactions, settlements, intent_events, intents, users, affiliates, programs CASCADE;
DROP FUNCTION reject_change, ledger_check_has_entries, ledger_check_balanced, intents_record_event,
  users_lock_referral, affiliates_check_tree;
`)
    .execute(db);
}
