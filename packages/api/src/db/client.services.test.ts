import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../test/support/postgres';
import { executePrepared, openDatabase, type TDatabase } from './client';

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

  it('runs executePrepared statements as named prepared statements, planned once per connection', async () => {
    const square = (n: number) => sql<{ square: number }>`SELECT ${n}::int * ${n}::int AS square`;
    const seen = await database.db.connection().execute(async (connection) => {
      const answers: number[] = [];
      for (const n of [3, 4, 5])
        answers.push((await executePrepared(connection, 'test_square', square(n))).rows[0]!.square);
      const prepared = await sql<{ name: string; statement: string }>`
        SELECT name, statement FROM pg_prepared_statements`.execute(connection);
      return { answers, prepared: prepared.rows };
    });
    expect(seen.answers).toEqual([9, 16, 25]);
    expect(seen.prepared).toEqual([{ name: 'test_square', statement: square(0).compile(database.db).sql }]);
    // One name, one text: another text under the same name is refused before it reaches the server.
    await expect(executePrepared(database.db, 'test_square', sql`SELECT 1`)).rejects.toThrow(
      'prepared statement "test_square" was given another SQL text',
    );
    // Statements not run through executePrepared stay unnamed.
    const statements = await database.db.connection().execute(async (connection) => {
      await sql`SELECT 2`.execute(connection);
      return (
        await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(connection)
      ).rows.map((row) => row.statement);
    });
    expect(statements).not.toContain('SELECT 2');
  });
});
