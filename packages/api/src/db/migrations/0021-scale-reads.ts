import { type Kysely, sql } from 'kysely';

/**
 * Two reads that still grew with history at 1,000,000 users (issue 22's scale bench).
 *
 * 1. The processing-time live check (domain/reconciliation/check-processing-time.ts) averages the newest
 *    PROCESSING_TIME_SAMPLE confirmed intents by `confirmed_at`. Without an index on it, that sample sorted every
 *    confirmed intent (a parallel sequential scan: 3.4 s at 1M users, so `GET /api/admin/reconciliation/live`
 *    took seconds); `intents_confirmed_at_idx` makes it a backward scan of 100 index entries.
 *
 * 2. Program stats (domain/programs/program-stats.ts) counted users, registrations, claims, affiliates and
 *    commissions per status with count(*)/sum() over whole tables (~1 s at 1M users). `program_counters` keeps
 *    those figures instead, per (program, counter), written by statement-level triggers (transition tables: one
 *    write per statement, however many rows, e.g. a 500-wallet mint batch) in the transaction that changes the
 *    rows. Counters: `users`, `registrations` (registered_at set), `claims` (claim_status CLAIMED), `affiliates`,
 *    and `commissions:<STATUS>` (n and the amount). A statement's changes wait in `program_counter_pending`
 *    (inserts only, no lock) and are applied at COMMIT by a deferred trigger, as the ledger's balances are
 *    (0013): each counter is split into 16 shards, a transaction adds to the shard of its transaction id (so
 *    concurrent writers rarely wait for the same row) and locks its rows only at commit, in (program, counter)
 *    order, so writers that touch users and commissions in opposite orders never deadlock over counters. A
 *    reader sums the shards.
 *    TRUNCATE of a counted table empties its counters. Written only from these triggers
 *    (pg_trigger_depth() > 1); domain/programs/program-stats.services.test.ts compares them with the tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE INDEX intents_confirmed_at_idx ON intents (confirmed_at) WHERE status = 'CONFIRMED';

-- No counted row changes while the counters are backfilled.
LOCK TABLE users, affiliates, commissions IN SHARE MODE;

CREATE TABLE program_counters (
  program_id uuid NOT NULL,
  counter text NOT NULL,
  shard int2 NOT NULL CHECK (shard BETWEEN 0 AND 15),
  n int8 NOT NULL,
  amount numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (program_id, counter, shard)
);
CREATE TYPE program_counter_delta AS (program_id uuid, counter text, n int8, amount numeric);

-- A statement's changes wait here until COMMIT (one row per program and counter, never updated: no lock).
CREATE TABLE program_counter_pending (
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  program_id uuid NOT NULL,
  counter text NOT NULL,
  n int8 NOT NULL,
  amount numeric NOT NULL
);
CREATE INDEX program_counter_pending_xid_idx ON program_counter_pending (xid);

CREATE FUNCTION program_counters_add(deltas program_counter_delta[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO program_counter_pending (program_id, counter, n, amount)
  SELECT d.program_id, d.counter, sum(d.n), sum(d.amount)
    FROM unnest(deltas) d
   GROUP BY d.program_id, d.counter
  HAVING sum(d.n) <> 0 OR sum(d.amount) <> 0
$$;

-- At COMMIT, the first deferred firing applies all of this transaction's pending changes to its shard, in
-- (program, counter) order; the later firings find nothing left.
CREATE FUNCTION program_counters_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH taken AS (
    DELETE FROM program_counter_pending WHERE xid = pg_current_xact_id()
    RETURNING program_id, counter, n, amount)
  INSERT INTO program_counters AS c (program_id, counter, shard, n, amount)
  SELECT program_id, counter, (pg_current_xact_id()::text::int8 % 16)::int2, sum(n), sum(amount)
    FROM taken
   GROUP BY program_id, counter
   ORDER BY program_id, counter
  ON CONFLICT (program_id, counter, shard) DO UPDATE SET n = c.n + EXCLUDED.n, amount = c.amount + EXCLUDED.amount;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER program_counter_pending_apply AFTER INSERT ON program_counter_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION program_counters_apply();

CREATE FUNCTION users_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deltas program_counter_delta[] := '{}';
BEGIN
  IF TG_OP <> 'DELETE' THEN
    deltas := deltas || ARRAY(
      SELECT (r.program_id, k.counter, k.n, 0)::program_counter_delta FROM new_rows r
       CROSS JOIN LATERAL (VALUES ('users', 1), ('registrations', (r.registered_at IS NOT NULL)::int),
                                  ('claims', (r.claim_status = 'CLAIMED')::int)) k(counter, n));
  END IF;
  IF TG_OP <> 'INSERT' THEN
    deltas := deltas || ARRAY(
      SELECT (r.program_id, k.counter, -k.n, 0)::program_counter_delta FROM old_rows r
       CROSS JOIN LATERAL (VALUES ('users', 1), ('registrations', (r.registered_at IS NOT NULL)::int),
                                  ('claims', (r.claim_status = 'CLAIMED')::int)) k(counter, n));
  END IF;
  PERFORM program_counters_add(deltas);
  RETURN NULL;
END $$;

CREATE FUNCTION affiliates_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deltas program_counter_delta[] := '{}';
BEGIN
  IF TG_OP <> 'DELETE' THEN
    deltas := deltas || ARRAY(SELECT (r.program_id, 'affiliates', 1, 0)::program_counter_delta FROM new_rows r);
  END IF;
  IF TG_OP <> 'INSERT' THEN
    deltas := deltas || ARRAY(SELECT (r.program_id, 'affiliates', -1, 0)::program_counter_delta FROM old_rows r);
  END IF;
  PERFORM program_counters_add(deltas);
  RETURN NULL;
END $$;

CREATE FUNCTION commissions_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deltas program_counter_delta[] := '{}';
BEGIN
  IF TG_OP <> 'DELETE' THEN
    deltas := deltas || ARRAY(
      SELECT (r.program_id, 'commissions:' || r.status, 1, r.amount)::program_counter_delta FROM new_rows r);
  END IF;
  IF TG_OP <> 'INSERT' THEN
    deltas := deltas || ARRAY(
      SELECT (r.program_id, 'commissions:' || r.status, -1, -r.amount)::program_counter_delta FROM old_rows r);
  END IF;
  PERFORM program_counters_add(deltas);
  RETURN NULL;
END $$;

CREATE FUNCTION program_counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counters text[] := CASE TG_TABLE_NAME
                       WHEN 'users' THEN ARRAY['users', 'registrations', 'claims']
                       WHEN 'affiliates' THEN ARRAY['affiliates']
                       ELSE ARRAY['commissions:ACCRUED', 'commissions:PAYABLE', 'commissions:PAID',
                                  'commissions:CANCELLED']
                     END;
BEGIN
  DELETE FROM program_counters WHERE counter = ANY (counters);
  DELETE FROM program_counter_pending WHERE xid = pg_current_xact_id() AND counter = ANY (counters);
  RETURN NULL;
END $$;

CREATE TRIGGER users_counted_insert AFTER INSERT ON users
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_counted();
CREATE TRIGGER users_counted_update AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_counted();
CREATE TRIGGER users_counted_delete AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION users_counted();
CREATE TRIGGER users_counted_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION program_counters_truncated();
CREATE TRIGGER affiliates_counted_insert AFTER INSERT ON affiliates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION affiliates_counted();
CREATE TRIGGER affiliates_counted_delete AFTER DELETE ON affiliates
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION affiliates_counted();
CREATE TRIGGER affiliates_counted_truncate AFTER TRUNCATE ON affiliates
  FOR EACH STATEMENT EXECUTE FUNCTION program_counters_truncated();
CREATE TRIGGER commissions_counted_insert AFTER INSERT ON commissions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commissions_counted();
CREATE TRIGGER commissions_counted_update AFTER UPDATE ON commissions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commissions_counted();
CREATE TRIGGER commissions_counted_delete AFTER DELETE ON commissions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commissions_counted();
CREATE TRIGGER commissions_counted_truncate AFTER TRUNCATE ON commissions
  FOR EACH STATEMENT EXECUTE FUNCTION program_counters_truncated();

-- Written only from within the triggers above (checked once per statement).
CREATE FUNCTION program_counters_maintained_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'program_counters is maintained by triggers: % refused', TG_OP USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER program_counters_maintained BEFORE INSERT OR UPDATE OR DELETE ON program_counters
  FOR EACH STATEMENT EXECUTE FUNCTION program_counters_maintained_only();
CREATE TRIGGER program_counter_pending_maintained BEFORE INSERT OR UPDATE OR DELETE ON program_counter_pending
  FOR EACH STATEMENT EXECUTE FUNCTION program_counters_maintained_only();

-- Backfill (shard 0), under the SHARE lock taken above, with the guard off for this one statement.
ALTER TABLE program_counters DISABLE TRIGGER program_counters_maintained;
INSERT INTO program_counters (program_id, counter, shard, n, amount)
SELECT program_id, counter, 0, n, amount FROM (
  SELECT program_id, 'users' AS counter, count(*) AS n, 0::numeric AS amount FROM users GROUP BY program_id
  UNION ALL
  SELECT program_id, 'registrations', count(*), 0 FROM users WHERE registered_at IS NOT NULL GROUP BY program_id
  UNION ALL
  SELECT program_id, 'claims', count(*), 0 FROM users WHERE claim_status = 'CLAIMED' GROUP BY program_id
  UNION ALL
  SELECT program_id, 'affiliates', count(*), 0 FROM affiliates GROUP BY program_id
  UNION ALL
  SELECT program_id, 'commissions:' || status, count(*), sum(amount) FROM commissions GROUP BY program_id, status
) backfill;
ALTER TABLE program_counters ENABLE TRIGGER program_counters_maintained;
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP TRIGGER users_counted_insert ON users;
DROP TRIGGER users_counted_update ON users;
DROP TRIGGER users_counted_delete ON users;
DROP TRIGGER users_counted_truncate ON users;
DROP TRIGGER affiliates_counted_insert ON affiliates;
DROP TRIGGER affiliates_counted_delete ON affiliates;
DROP TRIGGER affiliates_counted_truncate ON affiliates;
DROP TRIGGER commissions_counted_insert ON commissions;
DROP TRIGGER commissions_counted_update ON commissions;
DROP TRIGGER commissions_counted_delete ON commissions;
DROP TRIGGER commissions_counted_truncate ON commissions;
DROP TABLE program_counter_pending, program_counters;
DROP FUNCTION program_counters_maintained_only, program_counters_truncated, commissions_counted,
  affiliates_counted, users_counted, program_counters_apply, program_counters_add;
DROP TYPE program_counter_delta;
DROP INDEX intents_confirmed_at_idx;
`)
    .execute(db);
}
