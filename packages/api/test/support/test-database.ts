import pg from 'pg';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { migrateToLatest } from '../../src/db/migrate';
import { createTestPostgres } from './postgres';

export type TTestDatabase = { database: TDatabase; cleanup(): Promise<void> };

/** A fresh, migrated embedded database (PGlite in memory). */
export async function openTestPglite(): Promise<TTestDatabase> {
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  await migrateToLatest(database.db);
  return { database, cleanup: () => database.close() };
}

/**
 * A fresh, migrated PostgreSQL database of its own (dropped by cleanup). `synchronousCommit: false` skips
 * waiting for the WAL flush at each commit — for long model tests, where durability across a power cut is
 * not what is tested; everything else (constraints, triggers, isolation) is unchanged.
 */
export async function openTestPostgres(
  options: { poolMax?: number; synchronousCommit?: boolean } = {},
): Promise<TTestDatabase> {
  const postgres = await createTestPostgres();
  if (options.synchronousCommit === false) {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query(
        `ALTER DATABASE ${new URL(postgres.url).pathname.slice(1)} SET synchronous_commit TO off`,
      );
    } finally {
      await admin.end();
    }
  }
  const database = await openDatabase({
    kind: 'postgres',
    url: postgres.url,
    poolMax: options.poolMax ?? 10,
  });
  await migrateToLatest(database.db);
  return {
    database,
    async cleanup() {
      await database.close();
      await postgres.drop();
    },
  };
}
