import { type Kysely, sql } from 'kysely';

/**
 * Proof of wallet, program gates and sponsorship budgets (issue 18).
 *
 * - `registration_proof`: `required` (every registration carries the wallet's EIP-712 signature, verified by
 *   the mint worker before any gas is spent) or `none` (custodial imports; attribution not first-touch
 *   locked). Existing programs, the default one included, become `required`.
 * - gates, combinable with `payment_required`: `allowlist_required` (wallets in `program_allowlist`) and
 *   `challenge_required` (an ALTCHA proof of work per registration).
 * - budgets of sponsored minting per UTC day: `mints_per_day_max` and `gas_per_day_max_wei` (NULL: no budget).
 *   Crossing one leaves the program's registrations PENDING until an admin raises it or the day turns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE programs
  ADD COLUMN registration_proof text NOT NULL DEFAULT 'required' CHECK (registration_proof IN ('required', 'none')),
  ADD COLUMN allowlist_required boolean NOT NULL DEFAULT false,
  ADD COLUMN challenge_required boolean NOT NULL DEFAULT false,
  ADD COLUMN mints_per_day_max integer CHECK (mints_per_day_max >= 0),
  ADD COLUMN gas_per_day_max_wei numeric(78,0) CHECK (gas_per_day_max_wei >= 0);
CREATE TABLE program_allowlist (
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (program_id, wallet)
);
-- Today's sponsored mints per program (the budget check sums batch sizes since UTC midnight).
CREATE INDEX mint_batches_program_created_idx ON mint_batches (program_id, created_at);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP INDEX mint_batches_program_created_idx;
DROP TABLE program_allowlist;
ALTER TABLE programs
  DROP COLUMN registration_proof,
  DROP COLUMN allowlist_required,
  DROP COLUMN challenge_required,
  DROP COLUMN mints_per_day_max,
  DROP COLUMN gas_per_day_max_wei;
`)
    .execute(db);
}
