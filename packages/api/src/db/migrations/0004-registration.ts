import { type Kysely, sql } from 'kysely';

/**
 * Batched SGE-ID mints. A mint batch groups REGISTER intents minted by one relayer transaction:
 * CREATED (intents claimed and linked, in one database transaction) → SENT (relayer transaction recorded,
 * reference `mint-batch:<id>`) → SETTLED (settlements written) | FAILED (intents back to PENDING).
 * A batch carries its own lease: a worker that dies mid-batch leaves it to be resumed (never re-minted
 * from scratch) by whichever worker takes the expired lease.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE mint_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  contract_address text NOT NULL CHECK (contract_address ~ '^0x[0-9a-fA-F]{40}$'),
  status text NOT NULL DEFAULT 'CREATED' CHECK (status IN ('CREATED', 'SENT', 'SETTLED', 'FAILED')),
  size integer NOT NULL CHECK (size > 0),
  relayer_transaction_id uuid REFERENCES relayer_transactions(id),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
CREATE INDEX mint_batches_open_idx ON mint_batches (locked_until) WHERE status IN ('CREATED', 'SENT');

ALTER TABLE intents ADD COLUMN batch_id uuid REFERENCES mint_batches(id);
CREATE INDEX intents_batch_idx ON intents (batch_id) WHERE batch_id IS NOT NULL;
CREATE UNIQUE INDEX settlements_register_wallet_key ON settlements (program_id, wallet) WHERE kind = 'REGISTER';
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP INDEX settlements_register_wallet_key;
ALTER TABLE intents DROP COLUMN batch_id;
DROP TABLE mint_batches;
`)
    .execute(db);
}
