import { type Kysely, sql } from 'kysely';

/**
 * Admin lists and lookups cost a page, not a table (issue 22). Every admin list is ordered newest first by
 * `(created_at, id)` and continued by a keyset cursor on that pair (domain/list-page.ts), so each filter a list
 * accepts gets an index on `(filter column, created_at, id)`: the index serves the filter and the order, and a
 * page reads `limit + 1` index entries wherever the cursor is (a backward index scan, no sort). Lists with no
 * filter use `(created_at, id)`. Indexes on `(x, created_at)` that lacked the id are replaced by the longer ones.
 *
 * Lookups by wallet alone (an admin looking a wallet up across programs) and the payment gate's lookup of a
 * wallet's payment settlements (domain/payments/has-paid.ts, on every /api/status and registration of a gated
 * program) go through the `wallet` indexes.
 *
 * Each index costs every insert: intents (the registration hot path) gain four. Created without
 * CONCURRENTLY (migrations run in a transaction): on a large existing database, apply it in a maintenance
 * window or create the same indexes CONCURRENTLY beforehand (CREATE INDEX IF NOT EXISTS keeps it idempotent).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE INDEX IF NOT EXISTS users_created_idx ON users (created_at, id);
CREATE INDEX IF NOT EXISTS users_program_created_idx ON users (program_id, created_at, id);
CREATE INDEX IF NOT EXISTS users_wallet_created_idx ON users (wallet, created_at, id);
CREATE INDEX IF NOT EXISTS users_claim_status_created_idx ON users (claim_status, created_at, id);
CREATE INDEX IF NOT EXISTS users_referred_by_created_idx ON users (referred_by_affiliate_id, created_at, id)
  WHERE referred_by_affiliate_id IS NOT NULL;
DROP INDEX users_referred_by_idx;

CREATE INDEX IF NOT EXISTS intents_created_idx ON intents (created_at, id);
CREATE INDEX IF NOT EXISTS intents_program_created_idx ON intents (program_id, created_at, id);
CREATE INDEX IF NOT EXISTS intents_type_created_idx ON intents (type, created_at, id);
CREATE INDEX IF NOT EXISTS intents_wallet_created_idx ON intents (wallet, created_at, id) WHERE wallet IS NOT NULL;
CREATE INDEX IF NOT EXISTS intents_status_created_id_idx ON intents (status, created_at, id);
DROP INDEX intents_status_created_idx;

CREATE INDEX IF NOT EXISTS settlements_created_idx ON settlements (created_at, id);
CREATE INDEX IF NOT EXISTS settlements_program_created_idx ON settlements (program_id, created_at, id);
CREATE INDEX IF NOT EXISTS settlements_kind_created_idx ON settlements (kind, created_at, id);
CREATE INDEX IF NOT EXISTS settlements_wallet_created_idx ON settlements (wallet, created_at, id)
  WHERE wallet IS NOT NULL;
CREATE INDEX IF NOT EXISTS settlements_program_kind_created_idx ON settlements (program_id, kind, created_at, id);
DROP INDEX settlements_program_kind_idx;

CREATE INDEX IF NOT EXISTS commissions_created_idx ON commissions (created_at, id);
CREATE INDEX IF NOT EXISTS commissions_status_created_idx ON commissions (status, created_at, id);
CREATE INDEX IF NOT EXISTS commissions_program_created_id_idx ON commissions (program_id, created_at, id);
DROP INDEX commissions_program_created_idx;
CREATE INDEX IF NOT EXISTS commissions_affiliate_created_id_idx ON commissions (affiliate_id, created_at, id);
DROP INDEX commissions_affiliate_created_idx;

CREATE INDEX IF NOT EXISTS affiliates_created_idx ON affiliates (created_at, id);
CREATE INDEX IF NOT EXISTS affiliates_program_created_idx ON affiliates (program_id, created_at, id);
CREATE INDEX IF NOT EXISTS affiliates_status_created_idx ON affiliates (status, created_at, id);
CREATE INDEX IF NOT EXISTS affiliates_wallet_idx ON affiliates (wallet);
CREATE INDEX IF NOT EXISTS affiliates_code_idx ON affiliates (lower(code));
CREATE INDEX IF NOT EXISTS affiliates_parent_created_idx ON affiliates (parent_id, created_at, id);
DROP INDEX affiliates_parent_idx;
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE INDEX affiliates_parent_idx ON affiliates (parent_id);
DROP INDEX affiliates_parent_created_idx, affiliates_code_idx, affiliates_wallet_idx, affiliates_status_created_idx,
  affiliates_program_created_idx, affiliates_created_idx;

CREATE INDEX commissions_affiliate_created_idx ON commissions (affiliate_id, created_at);
CREATE INDEX commissions_program_created_idx ON commissions (program_id, created_at);
DROP INDEX commissions_affiliate_created_id_idx, commissions_program_created_id_idx, commissions_status_created_idx,
  commissions_created_idx;

CREATE INDEX settlements_program_kind_idx ON settlements (program_id, kind, created_at);
DROP INDEX settlements_program_kind_created_idx, settlements_wallet_created_idx, settlements_kind_created_idx,
  settlements_program_created_idx, settlements_created_idx;

CREATE INDEX intents_status_created_idx ON intents (status, created_at);
DROP INDEX intents_status_created_id_idx, intents_wallet_created_idx, intents_type_created_idx,
  intents_program_created_idx, intents_created_idx;

CREATE INDEX users_referred_by_idx ON users (referred_by_affiliate_id) WHERE referred_by_affiliate_id IS NOT NULL;
DROP INDEX users_referred_by_created_idx, users_claim_status_created_idx, users_wallet_created_idx,
  users_program_created_idx, users_created_idx;
`)
    .execute(db);
}
