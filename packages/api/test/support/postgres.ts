import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests create their databases on; CI and this machine run PostgreSQL here (trust auth). */
export const TEST_POSTGRES_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh, empty PostgreSQL database for one test file, so parallel runs never collide.
 * Fails (never skips) when PostgreSQL is unreachable.
 */
export async function createTestPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
