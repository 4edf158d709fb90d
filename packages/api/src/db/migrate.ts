// biome-ignore-all lint/suspicious/noExplicitAny: migrations run on any schema version, so they take an untyped Kysely.
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { MIGRATIONS } from './migrations';

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

export type TMigrationStep = {
  name: string;
  direction: 'Up' | 'Down';
  status: 'Success' | 'Error' | 'NotExecuted';
};

function unwrap(resultSet: MigrationResultSet): TMigrationStep[] {
  const steps = (resultSet.results ?? []).map((r) => ({
    name: r.migrationName,
    direction: r.direction,
    status: r.status,
  }));
  if (resultSet.error) {
    const error = resultSet.error instanceof Error ? resultSet.error : new Error(String(resultSet.error));
    throw Object.assign(new Error(`migration failed: ${error.message}`, { cause: error }), { steps });
  }
  return steps;
}

/** Applies every pending migration, in one transaction each, under a lock shared by all processes. */
export async function migrateToLatest(db: Kysely<any>): Promise<TMigrationStep[]> {
  return unwrap(await migrator(db).migrateToLatest());
}

/** Rolls back the most recent migration (one step). */
export async function rollbackOne(db: Kysely<any>): Promise<TMigrationStep[]> {
  return unwrap(await migrator(db).migrateDown());
}

/** Names of the migrations applied to this database, oldest first. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}

/** Drops everything in the public schema (all data) and recreates it empty. */
export async function dropEverything(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public;').execute(db);
}
