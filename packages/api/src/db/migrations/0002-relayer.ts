import { type Kysely, sql } from 'kysely';

/**
 * The relayer's state. PostgreSQL holds the truth about nonces: a transaction is signed and recorded
 * (nonce, raw bytes, hash) in the same database transaction that advances the relayer's next nonce, and
 * only then broadcast. A crash between the two is repaired by broadcasting the recorded bytes again,
 * which can never create a second transaction.
 *
 * relayer_accounts     one row per (chain, relayer address): the next nonce to use; its row lock
 *                      serialises nonce assignment across every process and machine.
 * relayer_transactions one row per nonce used: what was sent, why (purpose, reference), and its outcome.
 * relayer_attempts     every signed version of a transaction (a replacement re-signs the same nonce with
 *                      higher fees); whichever attempt is mined settles the transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE relayer_accounts (
  chain_id integer NOT NULL,
  address text NOT NULL CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
  next_nonce bigint NOT NULL CHECK (next_nonce >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, address)
);

CREATE TABLE relayer_transactions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chain_id integer NOT NULL,
  from_address text NOT NULL,
  nonce bigint NOT NULL CHECK (nonce >= 0),
  purpose text NOT NULL,
  reference text NOT NULL,
  to_address text NOT NULL CHECK (to_address ~ '^0x[0-9a-fA-F]{40}$'),
  data text NOT NULL DEFAULT '0x',
  value_wei numeric(78,0) NOT NULL DEFAULT 0,
  gas_limit numeric(78,0) NOT NULL,
  status text NOT NULL DEFAULT 'SIGNED'
    CHECK (status IN ('SIGNED', 'BROADCAST', 'MINED', 'CONFIRMED', 'REVERTED', 'CANCELLED', 'NONCE_CONFLICT')),
  last_error text,
  mined_hash text,
  block_number bigint,
  block_hash text,
  gas_used numeric(78,0),
  effective_gas_price_wei numeric(78,0),
  broadcast_count integer NOT NULL DEFAULT 0,
  last_broadcast_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain_id, from_address, nonce),
  UNIQUE (chain_id, reference)
);
CREATE INDEX relayer_transactions_open_idx ON relayer_transactions (chain_id, from_address, nonce)
  WHERE status IN ('SIGNED', 'BROADCAST', 'MINED');

CREATE TABLE relayer_attempts (
  id bigserial PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES relayer_transactions(id),
  tx_hash text NOT NULL UNIQUE CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
  raw_tx text NOT NULL,
  max_fee_per_gas_wei numeric(78,0) NOT NULL,
  max_priority_fee_per_gas_wei numeric(78,0) NOT NULL,
  -- A cancellation replaces the payload with a 0-value transfer to the relayer itself.
  is_cancellation boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX relayer_attempts_tx_idx ON relayer_attempts (transaction_id, id);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE relayer_attempts, relayer_transactions, relayer_accounts;').execute(db);
}
