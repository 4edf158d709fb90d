import { type Kysely, sql } from 'kysely';

/**
 * Reconciliation runs (issue 7). One row per run, with each check's status and findings as JSON
 * (bounded by the checks: at most RECONCILIATION_FINDINGS_MAX findings per check).
 *
 * - `slot` is the schedule slot a SCHEDULED run is for: unique, so that any number of worker processes
 *   ticking at 02:00 start exactly one run for that slot (the INSERT of the others does nothing);
 * - at most one run is RUNNING at a time (partial unique index), so a manual "run now" during a run is
 *   refused instead of doubling the load on the database and the RPC. A run whose process died stays
 *   RUNNING until it is older than the run timeout; the next claim marks it ERROR (abandoned).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE reconciliation_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger text NOT NULL CHECK (trigger IN ('SCHEDULED', 'MANUAL')),
  slot timestamptz UNIQUE,
  status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'OK', 'WARN', 'FAIL', 'ERROR')),
  requested_by text NOT NULL,
  requested_checks text[] NOT NULL,
  checks jsonb NOT NULL DEFAULT '[]',
  finding_count integer NOT NULL DEFAULT 0 CHECK (finding_count >= 0),
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK ((trigger = 'SCHEDULED') = (slot IS NOT NULL)),
  CHECK ((status = 'RUNNING') = (finished_at IS NULL))
);
CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at DESC, id DESC);
CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs ((true)) WHERE status = 'RUNNING';
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE reconciliation_runs;').execute(db);
}
