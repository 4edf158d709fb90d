import { type Kysely, sql } from 'kysely';

/**
 * Incremental reconciliation (issue 22 §3).
 *
 * - `reconciliation_watermarks`: one row per check that reads history, `position` the (created_at, id) of the
 *   last row it has checked (`{"createdAt": ISO, "id": uuid}`), written by the run that got there. An
 *   incremental run reads only rows after it, plus a bounded re-check window (blocks for the chain, minutes
 *   for the database); a FULL run starts from the beginning and moves it to the end.
 * - `reconciliation_runs.mode`: INCREMENTAL (scheduled and "run now") or FULL (the admin's full re-check);
 *   `progress` the running check's `{check, checked, total}`; `progress_at` when a worker last reported
 *   (a run is abandoned when neither its start nor its progress is recent: a long FULL run keeps living);
 *   `picked_by` the worker process that performs it (null while it waits in the queue).
 * - The indexes let each check find "what is new" and "what is still unmatched" without reading history:
 *   settlements and ledger transactions by (created_at, id); settlements with a transaction not yet verified;
 *   settlements by block (the reorg window).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE reconciliation_watermarks (
  check_name text PRIMARY KEY,
  position jsonb NOT NULL,
  run_id uuid REFERENCES reconciliation_runs(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE reconciliation_runs
  ADD COLUMN mode text NOT NULL DEFAULT 'INCREMENTAL' CHECK (mode IN ('INCREMENTAL', 'FULL')),
  ADD COLUMN progress jsonb,
  ADD COLUMN progress_at timestamptz,
  ADD COLUMN picked_by text;
CREATE INDEX settlements_created_id_idx ON settlements (created_at, id);
CREATE INDEX settlements_unverified_idx ON settlements (created_at, id)
  WHERE verified_at IS NULL AND tx_hash IS NOT NULL;
CREATE INDEX settlements_block_idx ON settlements (block_number) WHERE tx_hash IS NOT NULL;
CREATE INDEX ledger_transactions_created_id_idx ON ledger_transactions (created_at, id);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP INDEX ledger_transactions_created_id_idx;
DROP INDEX settlements_block_idx;
DROP INDEX settlements_unverified_idx;
DROP INDEX settlements_created_id_idx;
ALTER TABLE reconciliation_runs DROP COLUMN picked_by, DROP COLUMN progress_at, DROP COLUMN progress,
  DROP COLUMN mode;
DROP TABLE reconciliation_watermarks;
`)
    .execute(db);
}
