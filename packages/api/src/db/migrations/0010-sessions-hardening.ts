import { type Kysely, sql } from 'kysely';

/**
 * Sessions hardening (issue 18): an affiliate's live sessions are ended together — by "sign out everywhere"
 * (all sessions of a wallet) and when an admin suspends or terminates the affiliate (its wallet in its
 * program) — so live sessions are found by wallet without a scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      'CREATE INDEX affiliate_sessions_wallet_live_idx ON affiliate_sessions (wallet, program_id) WHERE revoked_at IS NULL;',
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP INDEX affiliate_sessions_wallet_live_idx;').execute(db);
}
