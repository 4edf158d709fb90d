import { type Kysely, sql } from 'kysely';

/**
 * Payout batches paid only with two approvers' EIP-712 signatures (issue 17).
 *
 * - A batch fixes, when it is created, everything its approvers sign: the chain, the payout contract, the
 *   token and a deadline (the recipients and amounts are its payouts). Batches created before this
 *   migration have none of these and can only be rejected or cancelled.
 * - `payout_batch_signatures`: one row per admin who signed a batch, with the address that signed. An admin
 *   signs a batch at most once and an address signs it at most once, so the two signatures the contract
 *   needs always come from two people and two addresses (the contract checks the addresses again).
 * - A payout the contract skipped (its transfer failed: a blacklisted recipient, say) is SKIPPED with the
 *   reason; its commissions went back to PAYABLE.
 * - `voided_tx_hash`: a signed batch that is cancelled is first voided on the payout contract, so its
 *   signatures can never pay it later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE payout_batches
  ADD COLUMN chain_id integer,
  ADD COLUMN payout_contract text CHECK (payout_contract ~ '^0x[0-9a-fA-F]{40}$'),
  ADD COLUMN token text CHECK (token ~ '^0x[0-9a-fA-F]{40}$'),
  ADD COLUMN approval_deadline timestamptz,
  ADD COLUMN voided_tx_hash text;

CREATE TABLE payout_batch_signatures (
  batch_id uuid NOT NULL REFERENCES payout_batches(id),
  admin text NOT NULL,
  signer text NOT NULL CHECK (signer ~ '^0x[0-9a-fA-F]{40}$'),
  signature text NOT NULL CHECK (signature ~ '^0x([0-9a-fA-F]{2})+$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, admin),
  UNIQUE (batch_id, signer)
);

ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('PENDING', 'PAID', 'CANCELLED', 'SKIPPED'));
ALTER TABLE payouts ADD COLUMN skip_reason text;
ALTER TABLE payouts ADD CONSTRAINT payouts_skip_reason CHECK ((status = 'SKIPPED') = (skip_reason IS NOT NULL));
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE payouts DROP CONSTRAINT payouts_skip_reason;
ALTER TABLE payouts DROP COLUMN skip_reason;
ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('PENDING', 'PAID', 'CANCELLED'));
DROP TABLE payout_batch_signatures;
ALTER TABLE payout_batches DROP COLUMN chain_id, DROP COLUMN payout_contract, DROP COLUMN token,
  DROP COLUMN approval_deadline, DROP COLUMN voided_tx_hash;
`)
    .execute(db);
}
