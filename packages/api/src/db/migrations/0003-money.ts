import { type Kysely, sql } from 'kysely';

/**
 * Money (issue 5): authentication state, refunds and clawbacks, and the indexes and guards the ledger,
 * commission and payout code relies on.
 *
 * program_api_keys      program-scoped admin credentials; only a SHA-256 of the key is stored.
 * siwe_nonces           single-use Sign-In with Ethereum nonces with an expiry.
 * affiliate_sessions    affiliate sessions (SHA-256 of the bearer token), per program and wallet.
 * settlement_refunds    at most one refund per settlement; the reversal of its revenue entries.
 * commission_clawbacks  a refunded commission that had already been paid (or put in a batch): a debit on the
 *                       affiliate's payable account that the next payout nets out.
 * settlements.commissions_accrued_at  when the settlement's commissions were accrued (once).
 *
 * Guards added to existing tables (the database refuses what the code never does):
 * - a program's commission levels add up to at most 100% (commissions can never exceed their base);
 * - a PAID or CANCELLED commission never changes status, and a PAID one never leaves its payout;
 * - a payout batch that is COMPLETED, REJECTED or CANCELLED never changes status again.
 *
 * Ledger balances are computed from entries, never kept in a mutable row (one row per account would
 * serialise every writer of a hot account). The account index is replaced by a covering one, so that a
 * balance (also as of a past time) is an index-only range scan.
 *
 * The ledger's rules from 0001 are kept, checked more cheaply (issue 5's throughput target), and one is
 * made stricter:
 * - balance per currency, "has entries" and "entries in the transaction's program" are one deferred check
 *   per ledger transaction (0001 ran a balance query per entry, plus one per transaction);
 * - a ledger transaction's entries are written in the database transaction that creates it: entries can
 *   no longer be added to a committed transaction (which would change it; corrections are reversals);
 * - ledger_entries.program_id no longer has its own foreign key to programs: it must equal its
 *   transaction's program (checked at commit), whose foreign key stands. Every writer of any account
 *   key-share-locked the same programs row four times per transaction, which made concurrent writers
 *   contend on it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE program_api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by text
);
CREATE UNIQUE INDEX program_api_keys_active_name ON program_api_keys (program_id, name) WHERE revoked_at IS NULL;

CREATE TABLE siwe_nonces (
  nonce text PRIMARY KEY CHECK (nonce ~ '^[A-Za-z0-9]{8,64}$'),
  program_id uuid NOT NULL REFERENCES programs(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX siwe_nonces_expires_idx ON siwe_nonces (expires_at);

CREATE TABLE affiliate_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX affiliate_sessions_expires_idx ON affiliate_sessions (expires_at);

-- Set once, by the transaction that accrues a settlement's commissions (even when there are none), so that
-- accruing again can never add commissions to a settlement.
ALTER TABLE settlements ADD COLUMN commissions_accrued_at timestamptz;

CREATE TABLE settlement_refunds (
  settlement_id uuid PRIMARY KEY REFERENCES settlements(id),
  program_id uuid NOT NULL REFERENCES programs(id),
  reason text NOT NULL,
  ledger_transaction_id uuid REFERENCES ledger_transactions(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE commission_clawbacks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  commission_id uuid NOT NULL UNIQUE REFERENCES commissions(id),
  affiliate_id uuid NOT NULL REFERENCES affiliates(id),
  amount numeric(78,0) NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SETTLED')),
  payout_id uuid REFERENCES payouts(id),
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commission_clawbacks_open_idx ON commission_clawbacks (program_id, affiliate_id) WHERE status = 'OPEN';
CREATE INDEX commission_clawbacks_payout_idx ON commission_clawbacks (payout_id) WHERE payout_id IS NOT NULL;

-- Commission levels never add up to more than 100%.
CREATE FUNCTION commission_levels_total(levels integer[]) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  'SELECT coalesce(sum(level), 0) FROM unnest(levels) AS level';
ALTER TABLE programs ADD CONSTRAINT programs_commission_levels_total
  CHECK (commission_levels_total(commission_levels_bps) <= 10000);

-- Batch creation reads PAYABLE commissions not yet in a payout, per affiliate; completion and rejection
-- read the commissions of a payout; affiliates read their commissions and payouts by time. (No index is
-- added to users or intents: registration writes them on its hot path; admin lists of them scan.)
CREATE INDEX commissions_payable_idx ON commissions (program_id, affiliate_id)
  WHERE status = 'PAYABLE' AND payout_id IS NULL;
CREATE INDEX commissions_payout_idx ON commissions (payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX commissions_affiliate_created_idx ON commissions (affiliate_id, created_at);
CREATE INDEX commissions_program_created_idx ON commissions (program_id, created_at);
CREATE INDEX payouts_affiliate_idx ON payouts (affiliate_id, created_at);
CREATE INDEX payouts_batch_idx ON payouts (batch_id);
CREATE INDEX audit_log_program_idx ON audit_log (program_id, id);

-- Balances as index-only scans: the amount is carried in the index.
DROP INDEX ledger_entries_account_idx;
CREATE INDEX ledger_entries_balance_idx ON ledger_entries (program_id, account, currency, created_at) INCLUDE (amount);

-- The ledger's rules, one check per transaction instead of one per entry (see the header comment).
DROP TRIGGER ledger_entries_balanced ON ledger_entries;
DROP TRIGGER ledger_transactions_have_entries ON ledger_transactions;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_program_id_fkey;

-- Remembers, for the rest of the database transaction (a transaction-local setting, undone with a rolled
-- back savepoint), which ledger transactions it created: only those can receive entries.
CREATE FUNCTION ledger_transactions_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('sge.ledger_open',
    coalesce(current_setting('sge.ledger_open', true), '') || NEW.id::text || ',', true);
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_transactions_open BEFORE INSERT ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_transactions_open();

CREATE FUNCTION ledger_entries_into_open_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF strpos(coalesce(current_setting('sge.ledger_open', true), ''), NEW.transaction_id::text) = 0 THEN
    RAISE EXCEPTION 'ledger transaction % is closed: entries are written with their transaction, never added later',
      NEW.transaction_id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_into_open_transaction BEFORE INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_into_open_transaction();

-- At COMMIT, once per ledger transaction: it has entries, all in its program, summing to zero per currency.
CREATE FUNCTION ledger_check_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line record;
  found boolean := false;
BEGIN
  FOR line IN
    SELECT currency, sum(amount) AS total, bool_or(program_id <> NEW.program_id) AS foreign_program
      FROM ledger_entries WHERE transaction_id = NEW.id GROUP BY currency
  LOOP
    found := true;
    IF line.foreign_program THEN
      RAISE EXCEPTION 'ledger transaction % has entries of another program', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    IF line.total <> 0 THEN
      RAISE EXCEPTION 'ledger transaction % is unbalanced in %: entries sum to %', NEW.id, line.currency, line.total
        USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  IF NOT found THEN
    RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_transactions_checked AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction();

-- A commission that is PAID or CANCELLED is final; a PAID commission stays with the payout that paid it.
CREATE FUNCTION commissions_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('PAID', 'CANCELLED') AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'commission % is % and cannot become %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'PAID' AND NEW.payout_id IS DISTINCT FROM OLD.payout_id THEN
    RAISE EXCEPTION 'commission % was paid by payout % and cannot move', OLD.id, OLD.payout_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER commissions_final BEFORE UPDATE ON commissions
  FOR EACH ROW EXECUTE FUNCTION commissions_guard_final();

-- A payout batch that ended (paid, rejected or cancelled) never changes status again.
CREATE FUNCTION payout_batches_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'payout batch % is % and cannot become %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payout_batches_final BEFORE UPDATE ON payout_batches
  FOR EACH ROW EXECUTE FUNCTION payout_batches_guard_final();
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP TRIGGER payout_batches_final ON payout_batches;
DROP TRIGGER commissions_final ON commissions;
DROP FUNCTION payout_batches_guard_final, commissions_guard_final;
DROP TRIGGER ledger_transactions_checked ON ledger_transactions;
DROP TRIGGER ledger_entries_into_open_transaction ON ledger_entries;
DROP TRIGGER ledger_transactions_open ON ledger_transactions;
DROP FUNCTION ledger_check_transaction, ledger_entries_into_open_transaction, ledger_transactions_open;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_program_id_fkey FOREIGN KEY (program_id) REFERENCES programs(id);
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_transactions_have_entries AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_has_entries();
DROP INDEX ledger_entries_balance_idx;
CREATE INDEX ledger_entries_account_idx ON ledger_entries (program_id, account, currency, created_at);
DROP INDEX audit_log_program_idx, payouts_batch_idx,
  payouts_affiliate_idx, commissions_program_created_idx, commissions_affiliate_created_idx,
  commissions_payout_idx, commissions_payable_idx;
ALTER TABLE programs DROP CONSTRAINT programs_commission_levels_total;
DROP FUNCTION commission_levels_total;
DROP TABLE commission_clawbacks, settlement_refunds, affiliate_sessions, siwe_nonces, program_api_keys;
ALTER TABLE settlements DROP COLUMN commissions_accrued_at;
`)
    .execute(db);
}
