import { type Kysely, sql } from 'kysely';

/**
 * Daily rollups (issue 21): the overview's figures per (program, UTC day), kept by triggers on the facts they
 * count, in the database transaction that writes those facts. The overview endpoint reads only the rows of the
 * days it shows, so its cost does not grow with the program's history.
 *
 * | column                           | fact                                                                         |
 * |----------------------------------|------------------------------------------------------------------------------|
 * | registrations                    | users rows with a registered_at (the SGE-ID minted), on that day             |
 * | claims, claim_fees_micro_usd     | CLAIM settlements and their fee (USD units, 6 decimals), on created_at        |
 * | sge_claimed_wei                  | ledger entries debiting sge_distributed (SGE handed out by claims)            |
 * | revenue_micro_usd                | ledger credits to revenue in USD/USDC/USDT (claim fees, payments, manual)     |
 * | refunds_micro_usd                | ledger debits to revenue (refund reversals)                                   |
 * | commissions_accrued_micro_usd    | commissions created (their amount), on created_at                             |
 * | commissions_{payable,paid,cancelled}_micro_usd | the net change that day of the amount of commissions in that    |
 * |                                  | status: + when a commission enters it, − when it leaves it (now())            |
 * | payouts, payouts_micro_usd       | the net change of PAID payouts (count, amount), when their status changes     |
 * | gas_spent_wei                    | ledger debits to gas_expense in ETH (execution and L1 data fee, migration 0018)|
 *
 * So the sum of a column over all days equals the facts: a count/sum of the rows (registrations, claims,
 * accrued), of the rows in a status (payable, paid, cancelled, payouts) or of an account's entries (revenue,
 * refunds, gas, SGE). test/support/daily-rollups.ts checks exactly that.
 *
 * Why triggers and not the writers: a trigger runs for every row that is really written, in its transaction,
 * whichever code path (or admin SQL) writes it. A retried request whose `INSERT ... ON CONFLICT DO NOTHING`
 * skips writes no row and fires no row trigger; a transaction that rolls back takes its rollup change with it.
 * A writer-side counter would have to know, on each of a dozen paths, whether its idempotent insert really
 * inserted, and would drift the day one path forgets.
 *
 * Concurrency: each writer adds to one of 16 shard rows per (program, day), chosen by its transaction id, so
 * two concurrent claims of one program rarely wait for each other; the read sums ≤ 16 rows per day. A rollup row
 * is locked from the fact's write to COMMIT; it is taken during the transaction's statements, before the
 * ledger's commit-time balance locks (0013), so the two never wait on each other in opposite orders.
 *
 * Guard (like the ledger's balances): daily_rollups is written only from within these triggers.
 */
export const DAILY_ROLLUP_SHARDS = 16;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
-- No fact written while the rollups are backfilled from them.
LOCK TABLE users, settlements, commissions, payouts, ledger_entries IN SHARE MODE;

CREATE TABLE daily_rollups (
  program_id uuid NOT NULL REFERENCES programs(id),
  day date NOT NULL,
  shard int2 NOT NULL CHECK (shard BETWEEN 0 AND ${DAILY_ROLLUP_SHARDS - 1}),
  registrations int8 NOT NULL DEFAULT 0,
  claims int8 NOT NULL DEFAULT 0,
  claim_fees_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  sge_claimed_wei numeric(78,0) NOT NULL DEFAULT 0,
  revenue_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  refunds_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  commissions_accrued_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  commissions_payable_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  commissions_paid_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  commissions_cancelled_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  payouts int8 NOT NULL DEFAULT 0,
  payouts_micro_usd numeric(78,0) NOT NULL DEFAULT 0,
  gas_spent_wei numeric(78,0) NOT NULL DEFAULT 0,
  PRIMARY KEY (program_id, day, shard)
);
-- The all-programs overview reads a range of days across programs.
CREATE INDEX daily_rollups_day_idx ON daily_rollups (day);

-- Adds to the (program, day) row of this transaction's shard. Named arguments, all but the first two 0.
CREATE FUNCTION daily_rollup_add(
  p_program uuid, p_at timestamptz,
  registrations int8 DEFAULT 0, claims int8 DEFAULT 0, claim_fees_micro_usd numeric DEFAULT 0,
  sge_claimed_wei numeric DEFAULT 0, revenue_micro_usd numeric DEFAULT 0, refunds_micro_usd numeric DEFAULT 0,
  commissions_accrued_micro_usd numeric DEFAULT 0, commissions_payable_micro_usd numeric DEFAULT 0,
  commissions_paid_micro_usd numeric DEFAULT 0, commissions_cancelled_micro_usd numeric DEFAULT 0,
  payouts int8 DEFAULT 0, payouts_micro_usd numeric DEFAULT 0, gas_spent_wei numeric DEFAULT 0
) RETURNS void LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  INSERT INTO daily_rollups AS r (program_id, day, shard, registrations, claims, claim_fees_micro_usd,
    sge_claimed_wei, revenue_micro_usd, refunds_micro_usd, commissions_accrued_micro_usd,
    commissions_payable_micro_usd, commissions_paid_micro_usd, commissions_cancelled_micro_usd, payouts,
    payouts_micro_usd, gas_spent_wei)
  VALUES (p_program, (p_at AT TIME ZONE 'UTC')::date,
    (pg_current_xact_id()::text::numeric % ${DAILY_ROLLUP_SHARDS})::int2,
    $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  ON CONFLICT (program_id, day, shard) DO UPDATE SET
    registrations = r.registrations + EXCLUDED.registrations,
    claims = r.claims + EXCLUDED.claims,
    claim_fees_micro_usd = r.claim_fees_micro_usd + EXCLUDED.claim_fees_micro_usd,
    sge_claimed_wei = r.sge_claimed_wei + EXCLUDED.sge_claimed_wei,
    revenue_micro_usd = r.revenue_micro_usd + EXCLUDED.revenue_micro_usd,
    refunds_micro_usd = r.refunds_micro_usd + EXCLUDED.refunds_micro_usd,
    commissions_accrued_micro_usd = r.commissions_accrued_micro_usd + EXCLUDED.commissions_accrued_micro_usd,
    commissions_payable_micro_usd = r.commissions_payable_micro_usd + EXCLUDED.commissions_payable_micro_usd,
    commissions_paid_micro_usd = r.commissions_paid_micro_usd + EXCLUDED.commissions_paid_micro_usd,
    commissions_cancelled_micro_usd = r.commissions_cancelled_micro_usd + EXCLUDED.commissions_cancelled_micro_usd,
    payouts = r.payouts + EXCLUDED.payouts,
    payouts_micro_usd = r.payouts_micro_usd + EXCLUDED.payouts_micro_usd,
    gas_spent_wei = r.gas_spent_wei + EXCLUDED.gas_spent_wei;
END $$;

-- users: a registration counts on its registered_at day, once it has one.
CREATE FUNCTION daily_rollup_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.registered_at IS NOT DISTINCT FROM NEW.registered_at
     AND OLD.program_id = NEW.program_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.registered_at IS NOT NULL THEN
    PERFORM daily_rollup_add(OLD.program_id, OLD.registered_at, registrations => -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.registered_at IS NOT NULL THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.registered_at, registrations => 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER users_daily_rollup AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION daily_rollup_users();

-- settlements: a CLAIM settlement is a claim and its fee.
CREATE FUNCTION daily_rollup_settlements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.kind = 'CLAIM' THEN
    PERFORM daily_rollup_add(OLD.program_id, OLD.created_at, claims => -1, claim_fees_micro_usd => -OLD.amount);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.kind = 'CLAIM' THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.created_at, claims => 1, claim_fees_micro_usd => NEW.amount);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER settlements_daily_rollup AFTER INSERT OR DELETE OR UPDATE OF kind, amount, program_id, created_at
  ON settlements FOR EACH ROW EXECUTE FUNCTION daily_rollup_settlements();

-- ledger_entries (append-only, 0001): revenue credits and refund debits, gas, SGE handed out. Only the entries
-- of those accounts reach the function (the WHEN clause), so other postings pay nothing.
CREATE FUNCTION daily_rollup_ledger_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.account = 'revenue' AND NEW.currency IN ('USD', 'USDC', 'USDT') THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.created_at,
      revenue_micro_usd => greatest(-NEW.amount, 0), refunds_micro_usd => greatest(NEW.amount, 0));
  ELSIF NEW.account = 'gas_expense' AND NEW.currency = 'ETH' THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.created_at, gas_spent_wei => NEW.amount);
  ELSIF NEW.account = 'sge_distributed' AND NEW.currency = 'SGE' THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.created_at, sge_claimed_wei => NEW.amount);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_daily_rollup AFTER INSERT ON ledger_entries FOR EACH ROW
  WHEN (NEW.account IN ('revenue', 'gas_expense', 'sge_distributed'))
  EXECUTE FUNCTION daily_rollup_ledger_entries();

-- commissions: created = accrued (on created_at); the amount in each later status moves on the day it changes.
CREATE FUNCTION daily_rollup_commissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM daily_rollup_add(NEW.program_id, NEW.created_at, commissions_accrued_micro_usd => NEW.amount,
      commissions_payable_micro_usd => CASE WHEN NEW.status = 'PAYABLE' THEN NEW.amount ELSE 0 END,
      commissions_paid_micro_usd => CASE WHEN NEW.status = 'PAID' THEN NEW.amount ELSE 0 END,
      commissions_cancelled_micro_usd => CASE WHEN NEW.status = 'CANCELLED' THEN NEW.amount ELSE 0 END);
  ELSIF OLD.status IS DISTINCT FROM NEW.status OR OLD.amount <> NEW.amount OR OLD.program_id <> NEW.program_id THEN
    PERFORM daily_rollup_add(OLD.program_id, now(),
      commissions_payable_micro_usd => CASE WHEN OLD.status = 'PAYABLE' THEN -OLD.amount ELSE 0 END,
      commissions_paid_micro_usd => CASE WHEN OLD.status = 'PAID' THEN -OLD.amount ELSE 0 END,
      commissions_cancelled_micro_usd => CASE WHEN OLD.status = 'CANCELLED' THEN -OLD.amount ELSE 0 END,
      commissions_accrued_micro_usd => CASE WHEN OLD.amount <> NEW.amount OR OLD.program_id <> NEW.program_id
                                            THEN -OLD.amount ELSE 0 END);
    PERFORM daily_rollup_add(NEW.program_id, now(),
      commissions_payable_micro_usd => CASE WHEN NEW.status = 'PAYABLE' THEN NEW.amount ELSE 0 END,
      commissions_paid_micro_usd => CASE WHEN NEW.status = 'PAID' THEN NEW.amount ELSE 0 END,
      commissions_cancelled_micro_usd => CASE WHEN NEW.status = 'CANCELLED' THEN NEW.amount ELSE 0 END,
      commissions_accrued_micro_usd => CASE WHEN OLD.amount <> NEW.amount OR OLD.program_id <> NEW.program_id
                                            THEN NEW.amount ELSE 0 END);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER commissions_daily_rollup AFTER INSERT OR UPDATE OF status, amount, program_id ON commissions
  FOR EACH ROW EXECUTE FUNCTION daily_rollup_commissions();

-- payouts: PAID ones, on the day they become (or stop being) PAID.
CREATE FUNCTION daily_rollup_payouts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.amount = NEW.amount
     AND OLD.program_id = NEW.program_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status = 'PAID' THEN
    PERFORM daily_rollup_add(OLD.program_id, now(), payouts => -1, payouts_micro_usd => -OLD.amount);
  END IF;
  IF NEW.status = 'PAID' THEN
    PERFORM daily_rollup_add(NEW.program_id, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END,
      payouts => 1, payouts_micro_usd => NEW.amount);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER payouts_daily_rollup AFTER INSERT OR UPDATE OF status, amount, program_id ON payouts
  FOR EACH ROW EXECUTE FUNCTION daily_rollup_payouts();

-- Backfill from the facts already written (shard 0). Status figures of existing rows count on the day they
-- were last updated (commissions) or created (payouts: they carry no update time).
INSERT INTO daily_rollups (program_id, day, shard, registrations, claims, claim_fees_micro_usd,
  sge_claimed_wei, revenue_micro_usd, refunds_micro_usd, commissions_accrued_micro_usd,
  commissions_payable_micro_usd, commissions_paid_micro_usd, commissions_cancelled_micro_usd, payouts,
  payouts_micro_usd, gas_spent_wei)
SELECT program_id, day, 0, sum(registrations), sum(claims), sum(claim_fees), sum(sge), sum(revenue),
       sum(refunds), sum(accrued), sum(payable), sum(paid), sum(cancelled), sum(payouts), sum(payouts_amount),
       sum(gas)
  FROM (
    SELECT program_id, (registered_at AT TIME ZONE 'UTC')::date AS day, 1 AS registrations, 0 AS claims,
           0 AS claim_fees, 0 AS sge, 0 AS revenue, 0 AS refunds, 0 AS accrued, 0 AS payable, 0 AS paid,
           0 AS cancelled, 0 AS payouts, 0 AS payouts_amount, 0 AS gas
      FROM users WHERE registered_at IS NOT NULL
    UNION ALL
    SELECT program_id, (created_at AT TIME ZONE 'UTC')::date, 0, 1, amount, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM settlements WHERE kind = 'CLAIM'
    UNION ALL
    SELECT program_id, (created_at AT TIME ZONE 'UTC')::date, 0, 0, 0,
           CASE WHEN account = 'sge_distributed' THEN amount ELSE 0 END,
           CASE WHEN account = 'revenue' THEN greatest(-amount, 0) ELSE 0 END,
           CASE WHEN account = 'revenue' THEN greatest(amount, 0) ELSE 0 END,
           0, 0, 0, 0, 0, 0,
           CASE WHEN account = 'gas_expense' THEN amount ELSE 0 END
      FROM ledger_entries
     WHERE (account = 'revenue' AND currency IN ('USD', 'USDC', 'USDT'))
        OR (account = 'gas_expense' AND currency = 'ETH')
        OR (account = 'sge_distributed' AND currency = 'SGE')
    UNION ALL
    SELECT program_id, (created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, 0, 0, amount, 0, 0, 0, 0, 0, 0
      FROM commissions
    UNION ALL
    SELECT program_id, (updated_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, 0, 0, 0,
           CASE WHEN status = 'PAYABLE' THEN amount ELSE 0 END,
           CASE WHEN status = 'PAID' THEN amount ELSE 0 END,
           CASE WHEN status = 'CANCELLED' THEN amount ELSE 0 END, 0, 0, 0
      FROM commissions WHERE status IN ('PAYABLE', 'PAID', 'CANCELLED')
    UNION ALL
    SELECT program_id, (created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, amount, 0
      FROM payouts WHERE status = 'PAID'
  ) AS facts
 GROUP BY program_id, day;

-- Written only from within the triggers above (a direct write has trigger depth 1).
CREATE FUNCTION daily_rollups_maintained_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'daily_rollups is maintained by triggers on the facts: % refused', TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER daily_rollups_maintained BEFORE INSERT OR UPDATE OR DELETE ON daily_rollups
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_maintained_only();
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP TRIGGER users_daily_rollup ON users;
DROP TRIGGER settlements_daily_rollup ON settlements;
DROP TRIGGER ledger_entries_daily_rollup ON ledger_entries;
DROP TRIGGER commissions_daily_rollup ON commissions;
DROP TRIGGER payouts_daily_rollup ON payouts;
DROP TABLE daily_rollups;
DROP FUNCTION daily_rollups_maintained_only();
DROP FUNCTION daily_rollup_users();
DROP FUNCTION daily_rollup_settlements();
DROP FUNCTION daily_rollup_ledger_entries();
DROP FUNCTION daily_rollup_commissions();
DROP FUNCTION daily_rollup_payouts();
DROP FUNCTION daily_rollup_add(uuid, timestamptz, int8, int8, numeric, numeric, numeric, numeric, numeric,
  numeric, numeric, numeric, int8, numeric, numeric);
`)
    .execute(db);
}
