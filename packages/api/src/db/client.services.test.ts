import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../test/support/postgres';
import { openDatabase, type TDatabase } from './client';

describe('openDatabase on PostgreSQL', () => {
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  let database: TDatabase;
  let admin: TDatabase;

  beforeAll(async () => {
    postgres = await createTestPostgres();
    database = await openDatabase({ kind: 'postgres', url: postgres.url, applicationName: 'held' });
    admin = await openDatabase({ kind: 'postgres', url: postgres.url, applicationName: 'admin' });
  });
  afterAll(async () => {
    await database.close();
    await admin.close();
    await postgres.drop();
  });

  it('a connection lost while checked out between two queries (PostgreSQL restart) fails its next query, not the process', async () => {
    const result = await database.db
      .transaction()
      .execute(async (tx) => {
        await sql`SELECT 1`.execute(tx);
        // The server goes away while this transaction holds its connection and runs no query.
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                   WHERE application_name = 'held' AND pid <> pg_backend_pid()`.execute(admin.db);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 1`.execute(tx);
        return 'committed';
      })
      .catch((error: unknown) => `failed: ${(error as Error).message}`);
    expect(result).toMatch(/^failed/);
    // The pool recovers with a fresh connection.
    const after = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
    expect(after.rows[0]!.one).toBe(1);
  });
});
