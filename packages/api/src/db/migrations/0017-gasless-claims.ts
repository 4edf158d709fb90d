import { type Kysely, sql } from 'kysely';

/**
 * Gasless claims (issue 19, part 2).
 *
 * - `claim_relay_fee_micro_usd`: USDC (6 decimals) a gasless claimant pays the relayer on top of the fee, for
 *   the gas the relayer spends submitting the claim (a money setting: changed through a second admin). The
 *   default, 0.50 USDC, covers a single gasless claim (~180,000 gas, bench:gas) at up to ~1.4 gwei with ETH at
 *   2,000 USD;
 *   mainnet programs should raise it, L2 programs may lower it.
 * - A gasless claim is a CLAIM intent whose payload carries the EIP-3009 authorization; its key
 *   `payload->>'authorizationKey'` (`<usdc>:<from>:<nonce>`, lower-case) is unique, so one signed
 *   authorization is relayed at most once whatever the number of submits, processes or retries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE programs
  ADD COLUMN claim_relay_fee_micro_usd numeric(78,0) NOT NULL DEFAULT 500000
    CHECK (claim_relay_fee_micro_usd >= 0);
CREATE UNIQUE INDEX intents_claim_authorization_key ON intents ((payload->>'authorizationKey'))
  WHERE type = 'CLAIM' AND payload ? 'authorizationKey';
-- The relay worker's scan: gasless claims waiting for the relayer.
CREATE INDEX intents_gasless_claims_pending_idx ON intents (next_attempt_at)
  WHERE type = 'CLAIM' AND status IN ('PENDING', 'PROCESSING') AND payload ? 'authorizationKey';
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP INDEX intents_gasless_claims_pending_idx;
DROP INDEX intents_claim_authorization_key;
ALTER TABLE programs DROP COLUMN claim_relay_fee_micro_usd;
`)
    .execute(db);
}
