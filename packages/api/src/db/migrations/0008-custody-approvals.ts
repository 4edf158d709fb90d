import { type Kysely, sql } from 'kysely';

/**
 * Maker-checker for money (issue 17): `change_requests` holds changes that take effect only when a second
 * admin approves them — a program's money settings (kind PROGRAM_SETTINGS) and manual payments above the
 * approval threshold (kind MANUAL_PAYMENT).
 *
 * - `subject_key`: `program:<programId>` or `manual-payment:<programId>:<reference>` (the manual payment's
 *   intent key); one PENDING manual payment per reference (partial unique index), so a payment entered
 *   twice, or by two admins at once, waits once.
 * - `payload`: what applying it does (the settings, or the payment); `before`: the settings' values when
 *   proposed (for the approver to compare); `result`: what applying produced.
 * - `change_requests_two_person`: an APPLIED change was decided by someone other than its proposer, by name
 *   and, when both have one, by wallet — the API refuses it first (CHANGE_SELF_APPROVAL), this is the
 *   database's own refusal.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE change_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  kind text NOT NULL CHECK (kind IN ('PROGRAM_SETTINGS', 'MANUAL_PAYMENT')),
  subject_key text NOT NULL,
  payload jsonb NOT NULL,
  before jsonb,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPLIED', 'REJECTED', 'EXPIRED')),
  proposed_by text NOT NULL,
  proposed_by_wallet text CHECK (proposed_by_wallet ~ '^0x[0-9a-fA-F]{40}$'),
  proposed_at timestamptz NOT NULL DEFAULT now(),
  request_id text,
  expires_at timestamptz NOT NULL,
  decided_by text,
  decided_by_wallet text CHECK (decided_by_wallet ~ '^0x[0-9a-fA-F]{40}$'),
  decided_at timestamptz,
  reason text,
  result jsonb,
  CONSTRAINT change_requests_decided CHECK ((status = 'PENDING') = (decided_at IS NULL)),
  CONSTRAINT change_requests_decider CHECK (status NOT IN ('APPLIED', 'REJECTED') OR decided_by IS NOT NULL),
  CONSTRAINT change_requests_two_person CHECK (
    status <> 'APPLIED'
    OR (decided_by <> proposed_by
        AND (decided_by_wallet IS NULL OR proposed_by_wallet IS NULL
             OR lower(decided_by_wallet) <> lower(proposed_by_wallet)))
  ),
  CHECK (expires_at > proposed_at)
);
CREATE INDEX change_requests_status_idx ON change_requests (status, proposed_at DESC, id DESC);
CREATE INDEX change_requests_program_idx ON change_requests (program_id, proposed_at DESC);
CREATE UNIQUE INDEX change_requests_one_pending_payment ON change_requests (subject_key)
  WHERE status = 'PENDING' AND kind = 'MANUAL_PAYMENT';
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE change_requests;').execute(db);
}
