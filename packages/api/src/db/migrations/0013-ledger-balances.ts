import { type Kysely, sql } from 'kysely';

/**
 * Ledger balances kept, not summed (issue 22): reads cost the same at 10 million entries as at 10.
 *
 * ledger_balances             one row per (program, account, currency): the sum of its entries and how many.
 *                             Written only by the ledger's commit-time trigger, in the database transaction
 *                             that posts the entries (so nothing can post without it).
 * ledger_balance_totals       the same balances summed per (program, currency) in 64 partial sums by a hash of
 *                             the account (so that two writers rarely wait for the same row): what the
 *                             sge_ledger_balance gauge reads instead of one row per account.
 * ledger_checkpoint_days      the UTC midnights up to which checkpoints were written (in order; by a job).
 * ledger_balance_checkpoints  an account's balance as of a checkpoint day (entries created before `as_of`),
 *                             written for each account that had entries that day. A balance "as of" a time is
 *                             the nearest checkpoint at or before it plus the entries after it (< 1 day).
 * ledger_open_transactions    the ledger transactions created by the running database transaction and not yet
 *                             applied, keyed by its transaction id (xid8): only these can receive entries. It
 *                             replaces 0003's transaction-local setting, a string that grew with every ledger
 *                             transaction and was searched for every entry (quadratic: 30,000 ledger
 *                             transactions in one database transaction took 36 s); an index probe is linear.
 *
 * At COMMIT, the first deferred check of a ledger transaction applies every open ledger transaction of the
 * database transaction at once: their entries summed per (program, account, currency) are added to the balance
 * rows in key order. Row locks are taken at commit only, in one global order, so concurrent writers of a hot
 * account (treasury) queue for the last moment of their transaction and never deadlock over balances.
 *
 * An entry may carry a created_at before a checkpoint already written (a transaction that started before
 * midnight and committed after the job, or a backdated import): the same commit step adds it to every
 * checkpoint at or after it. The job locks the balance rows of the accounts it checkpoints (same key order),
 * so a commit either happens before the job reads the entries or waits and then sees its checkpoints.
 *
 * Guards (like 0001's append-only ledger): balances, checkpoints and open rows are written only from within
 * the ledger's triggers (pg_trigger_depth() > 1); a direct INSERT/UPDATE/DELETE/TRUNCATE is refused. Whoever can
 * run DDL can still defeat any trigger: verifyLedger compares the maintained figures with the entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
-- No posting while the balances are backfilled from the entries.
LOCK TABLE ledger_transactions, ledger_entries IN SHARE MODE;

CREATE TABLE ledger_balances (
  program_id uuid NOT NULL,
  account text NOT NULL,
  currency text NOT NULL,
  balance numeric NOT NULL,
  entry_count int8 NOT NULL CHECK (entry_count > 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (program_id, account, currency)
);
INSERT INTO ledger_balances (program_id, account, currency, balance, entry_count, updated_at)
SELECT program_id, account, currency, sum(amount), count(*), now()
  FROM ledger_entries GROUP BY program_id, account, currency;

CREATE TABLE ledger_balance_totals (
  program_id uuid NOT NULL,
  currency text NOT NULL,
  shard int2 NOT NULL CHECK (shard BETWEEN 0 AND 63),
  balance numeric NOT NULL,
  PRIMARY KEY (program_id, currency, shard)
);
INSERT INTO ledger_balance_totals (program_id, currency, shard, balance)
SELECT program_id, currency, hashtext(account) & 63, sum(balance)
  FROM ledger_balances GROUP BY 1, 2, 3;

CREATE TABLE ledger_checkpoint_days (
  as_of timestamptz PRIMARY KEY CHECK (as_of = date_trunc('day', as_of, 'UTC')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ledger_balance_checkpoints (
  program_id uuid NOT NULL,
  account text NOT NULL,
  currency text NOT NULL,
  as_of timestamptz NOT NULL,
  balance numeric NOT NULL,
  entry_count int8 NOT NULL,
  PRIMARY KEY (program_id, account, currency, as_of)
);
CREATE TABLE ledger_open_transactions (
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id uuid NOT NULL,
  PRIMARY KEY (xid, id)
);

-- The entries and transactions of a time range (checkpoints, incremental verification): block ranges, which
-- cost next to nothing on insert and fit an append-mostly table ordered by time.
CREATE INDEX ledger_entries_created_brin ON ledger_entries USING brin (created_at);
CREATE INDEX ledger_transactions_created_brin ON ledger_transactions USING brin (created_at);

-- Written only from within the ledger's own triggers (checked once per statement).
CREATE FUNCTION ledger_maintained_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION '% is maintained by the ledger: % refused', TG_TABLE_NAME, TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_balances_maintained BEFORE INSERT OR UPDATE ON ledger_balances
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_maintained_only();
CREATE TRIGGER ledger_balances_no_delete BEFORE DELETE ON ledger_balances
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_balances_no_truncate BEFORE TRUNCATE ON ledger_balances
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_balance_totals_maintained BEFORE INSERT OR UPDATE ON ledger_balance_totals
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_maintained_only();
CREATE TRIGGER ledger_balance_totals_no_delete BEFORE DELETE ON ledger_balance_totals
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_balance_totals_no_truncate BEFORE TRUNCATE ON ledger_balance_totals
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_balance_checkpoints_maintained BEFORE INSERT OR UPDATE ON ledger_balance_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_maintained_only();
CREATE TRIGGER ledger_balance_checkpoints_no_delete BEFORE DELETE ON ledger_balance_checkpoints
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_balance_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_balance_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_checkpoint_days_immutable BEFORE UPDATE OR DELETE ON ledger_checkpoint_days
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_checkpoint_days_no_truncate BEFORE TRUNCATE ON ledger_checkpoint_days
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_open_transactions_maintained BEFORE INSERT OR DELETE ON ledger_open_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_maintained_only();
CREATE TRIGGER ledger_open_transactions_no_update BEFORE UPDATE ON ledger_open_transactions
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- A new ledger transaction is open for entries until its database transaction applies it (at COMMIT). Never an
-- existing id or reference: an INSERT that ON CONFLICT skips must not open a committed transaction. (One that a
-- concurrent insert of the same reference makes skip leaves an open row of a new id, which no entry can use;
-- applying or the checkpoint job removes it.)
CREATE OR REPLACE FUNCTION ledger_transactions_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.id)
     AND NOT EXISTS (SELECT 1 FROM ledger_transactions
                      WHERE program_id = NEW.program_id AND reference = NEW.reference) THEN
    INSERT INTO ledger_open_transactions (id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION ledger_entries_into_open_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger_open_transactions
                  WHERE xid = pg_current_xact_id() AND id = NEW.transaction_id) THEN
    RAISE EXCEPTION 'ledger transaction % is closed: entries are written with their transaction, never added later',
      NEW.transaction_id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;

-- Applies every open ledger transaction of this database transaction to the balances (and to checkpoints
-- already written after an entry's time). Runs from the commit-time check; the later checks find none open.
CREATE FUNCTION ledger_apply_open_transactions() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  earliest timestamptz;
BEGIN
  WITH applied AS (
    DELETE FROM ledger_open_transactions WHERE xid = pg_current_xact_id() RETURNING id
  ) SELECT array_agg(id) INTO ids FROM applied;
  IF ids IS NULL THEN RETURN; END IF;
  INSERT INTO ledger_balances AS b (program_id, account, currency, balance, entry_count, updated_at)
  SELECT program_id, account, currency, sum(amount), count(*), now()
    FROM ledger_entries WHERE transaction_id = ANY (ids)
   GROUP BY program_id, account, currency
   ORDER BY program_id, account, currency
  ON CONFLICT (program_id, account, currency) DO UPDATE
    SET balance = b.balance + EXCLUDED.balance, entry_count = b.entry_count + EXCLUDED.entry_count,
        updated_at = EXCLUDED.updated_at;
  -- Then the partial sums (locked after every balance row, again in key order).
  INSERT INTO ledger_balance_totals AS t (program_id, currency, shard, balance)
  SELECT program_id, currency, hashtext(account) & 63, sum(amount)
    FROM ledger_entries WHERE transaction_id = ANY (ids)
   GROUP BY 1, 2, 3 HAVING sum(amount) <> 0
   ORDER BY 1, 2, 3
  ON CONFLICT (program_id, currency, shard) DO UPDATE SET balance = t.balance + EXCLUDED.balance;
  SELECT min(created_at) INTO earliest FROM ledger_entries WHERE transaction_id = ANY (ids);
  IF EXISTS (SELECT 1 FROM ledger_checkpoint_days WHERE as_of > earliest) THEN
    UPDATE ledger_balance_checkpoints c
       SET balance = c.balance + late.amount, entry_count = c.entry_count + late.n
      FROM (SELECT k.program_id, k.account, k.currency, k.as_of, sum(e.amount) AS amount, count(*) AS n
              FROM ledger_entries e
              JOIN ledger_balance_checkpoints k
                ON k.program_id = e.program_id AND k.account = e.account AND k.currency = e.currency
               AND k.as_of > e.created_at
             WHERE e.transaction_id = ANY (ids)
             GROUP BY k.program_id, k.account, k.currency, k.as_of) late
     WHERE c.program_id = late.program_id AND c.account = late.account AND c.currency = late.currency
       AND c.as_of = late.as_of;
  END IF;
END $$;

-- 0003's commit-time check of one ledger transaction, which now also applies the open ones.
CREATE OR REPLACE FUNCTION ledger_check_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
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
  -- The first check of the commit applies every open transaction; the later ones find theirs applied (a point
  -- lookup: rescanning the transaction's deleted open rows at every check would be quadratic again).
  IF EXISTS (SELECT 1 FROM ledger_open_transactions WHERE xid = pg_current_xact_id() AND id = NEW.id) THEN
    PERFORM ledger_apply_open_transactions();
  END IF;
  RETURN NULL;
END $$;

-- Writes the checkpoints up to a UTC midnight: for each account with entries since the previous checkpoint
-- day, its balance at the end of each such day (its latest earlier checkpoint plus the entries after it).
CREATE FUNCTION ledger_write_checkpoints() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  since timestamptz;
BEGIN
  IF NEW.as_of > now() THEN
    RAISE EXCEPTION 'ledger checkpoint % is in the future', NEW.as_of USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_checkpoint_days WHERE as_of > NEW.as_of) THEN
    RAISE EXCEPTION 'ledger checkpoint % is before the latest one', NEW.as_of USING ERRCODE = 'check_violation';
  END IF;
  SELECT coalesce(max(as_of), '-infinity') INTO since FROM ledger_checkpoint_days WHERE as_of < NEW.as_of;
  PERFORM 1 FROM ledger_balances b
   WHERE (b.program_id, b.account, b.currency) IN (
     SELECT program_id, account, currency FROM ledger_entries
      WHERE created_at >= since AND created_at < NEW.as_of)
   ORDER BY b.program_id, b.account, b.currency
     FOR UPDATE OF b;
  INSERT INTO ledger_balance_checkpoints (program_id, account, currency, as_of, balance, entry_count)
  SELECT d.program_id, d.account, d.currency, d.day_end,
         base.balance + sum(d.amount) OVER w, base.entry_count + sum(d.n) OVER w
    FROM (SELECT program_id, account, currency,
                 date_trunc('day', created_at, 'UTC') + interval '24 hours' AS day_end,
                 sum(amount) AS amount, count(*) AS n
            FROM ledger_entries
           WHERE created_at >= since AND created_at < NEW.as_of
           GROUP BY 1, 2, 3, 4) d
    CROSS JOIN LATERAL (
      SELECT coalesce(prev.balance, 0) + coalesce(sum(e.amount), 0) AS balance,
             coalesce(prev.entry_count, 0) + count(e.amount) AS entry_count
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
          SELECT k.as_of, k.balance, k.entry_count FROM ledger_balance_checkpoints k
           WHERE k.program_id = d.program_id AND k.account = d.account AND k.currency = d.currency
             AND k.as_of <= since
           ORDER BY k.as_of DESC LIMIT 1) prev ON true
        LEFT JOIN ledger_entries e
          ON e.program_id = d.program_id AND e.account = d.account AND e.currency = d.currency
         AND e.created_at >= coalesce(prev.as_of, '-infinity') AND e.created_at < since
       GROUP BY prev.balance, prev.entry_count) base
  WINDOW w AS (PARTITION BY d.program_id, d.account, d.currency ORDER BY d.day_end);
  -- Open rows left by database transactions that ended without applying them (an INSERT that ON CONFLICT
  -- skipped, in a transaction that posted nothing new): never matched again, removed here.
  DELETE FROM ledger_open_transactions WHERE xid < pg_snapshot_xmin(pg_current_snapshot());
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_checkpoint_days_write AFTER INSERT ON ledger_checkpoint_days
  FOR EACH ROW EXECUTE FUNCTION ledger_write_checkpoints();

-- An account's balance and entry count as of a time: the nearest checkpoint at or before it, plus the
-- entries from that checkpoint to the time (index range scans of ledger_entries_balance_idx).
CREATE FUNCTION ledger_balance_as_of(p_program uuid, p_account text, p_currency text, p_as_of timestamptz)
RETURNS TABLE (balance numeric, entry_count int8) LANGUAGE sql STABLE AS $$
  WITH cp AS (
    SELECT k.as_of, k.balance, k.entry_count FROM ledger_balance_checkpoints k
     WHERE k.program_id = p_program AND k.account = p_account AND k.currency = p_currency AND k.as_of <= p_as_of
     ORDER BY k.as_of DESC LIMIT 1
  )
  SELECT coalesce((SELECT cp.balance FROM cp), 0) + coalesce(sum(e.amount), 0),
         coalesce((SELECT cp.entry_count FROM cp), 0) + count(e.amount)
    FROM ledger_entries e
   WHERE e.program_id = p_program AND e.account = p_account AND e.currency = p_currency
     AND e.created_at >= coalesce((SELECT cp.as_of FROM cp), '-infinity') AND e.created_at <= p_as_of
$$;
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP FUNCTION ledger_balance_as_of;
DROP TRIGGER ledger_checkpoint_days_write ON ledger_checkpoint_days;
DROP FUNCTION ledger_write_checkpoints;
CREATE OR REPLACE FUNCTION ledger_check_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP FUNCTION ledger_apply_open_transactions;
CREATE OR REPLACE FUNCTION ledger_transactions_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('sge.ledger_open',
    coalesce(current_setting('sge.ledger_open', true), '') || NEW.id::text || ',', true);
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION ledger_entries_into_open_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF strpos(coalesce(current_setting('sge.ledger_open', true), ''), NEW.transaction_id::text) = 0 THEN
    RAISE EXCEPTION 'ledger transaction % is closed: entries are written with their transaction, never added later',
      NEW.transaction_id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
DROP INDEX ledger_transactions_created_brin, ledger_entries_created_brin;
DROP TABLE ledger_open_transactions, ledger_balance_checkpoints, ledger_checkpoint_days, ledger_balance_totals,
  ledger_balances;
DROP FUNCTION ledger_maintained_only;
`)
    .execute(db);
}
