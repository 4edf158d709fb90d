import { type Kysely, sql } from 'kysely';

/**
 * Claims (issue 6). A CLAIM intent (`claim:<program>:<wallet>`) is written CONFIRMED with its settlement
 * once the claim is verified on the chain (domain/claims/record-claim.ts). This adds the database keys that
 * make recording exactly-once whoever records it (the API, the chain watcher, two of either at once):
 * - one CLAIM settlement per (program, wallet), beside the intent's own unique key;
 * - one CLAIM settlement per on-chain Claimed event (tx hash, log index), across programs that share a
 *   claim contract;
 * - chain_cursors (0001) refuses a negative block. The watcher's cursor names are
 *   `claim-watcher:<chainId>:<claimContract lower-case>`: the last block whose Claimed events are recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE UNIQUE INDEX settlements_claim_wallet_key ON settlements (program_id, wallet) WHERE kind = 'CLAIM';
CREATE UNIQUE INDEX settlements_claim_event_key ON settlements (tx_hash, log_index) WHERE kind = 'CLAIM';
ALTER TABLE settlements ADD CONSTRAINT settlements_claim_onchain
  CHECK (kind <> 'CLAIM' OR (tx_hash IS NOT NULL AND log_index IS NOT NULL AND block_number IS NOT NULL));
ALTER TABLE chain_cursors ADD CONSTRAINT chain_cursors_block_checked CHECK (block_number >= 0);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE chain_cursors DROP CONSTRAINT chain_cursors_block_checked;
ALTER TABLE settlements DROP CONSTRAINT settlements_claim_onchain;
DROP INDEX settlements_claim_event_key;
DROP INDEX settlements_claim_wallet_key;
`)
    .execute(db);
}
