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

/**
 * Rolls back every migration applied after `target`, newest first, so that `target` is the last one applied.
 * Refuses (changing nothing) a name that is not applied here, and a database carrying migrations this code
 * does not know (roll back with the release that applied them, before deploying the older one).
 *
 * @example
 * await rollbackTo(db, '0003-money'); // 0005-…, then 0004-registration rolled back
 */
export async function rollbackTo(db: Kysely<any>, target: string): Promise<TMigrationStep[]> {
  const status = await migrationStatus(db);
  if (status.unknown.length > 0) {
    throw new Error(
      `the database has migrations this release does not know (${status.unknown.join(', ')}); ` +
        'roll back with the release that applied them',
    );
  }
  if (!status.applied.includes(target)) {
    throw new Error(
      `${target} is not an applied migration (applied: ${status.applied.join(', ') || 'none'})`,
    );
  }
  if (status.applied[status.applied.length - 1] === target) return [];
  return unwrap(await migrator(db).migrateTo(target));
}

export type TMigrationStatus = {
  /** Applied and known to this release, oldest first. */
  applied: string[];
  /** Known to this release, not applied yet, in the order db:migrate applies them. */
  pending: string[];
  /** Recorded as applied but not in this release (a newer release migrated this database). */
  unknown: string[];
};

/** Which migrations are applied, pending, or unknown to this release. */
export async function migrationStatus(db: Kysely<any>): Promise<TMigrationStatus> {
  const known = Object.keys(MIGRATIONS);
  let recorded: string[] = [];
  const exists = await sql<{ present: boolean }>`
    SELECT to_regclass('schema_migrations') IS NOT NULL AS present`.execute(db);
  if (exists.rows[0]?.present) {
    const rows = await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(db);
    recorded = rows.rows.map((r) => r.name);
  }
  return {
    applied: known.filter((name) => recorded.includes(name)),
    pending: known.filter((name) => !recorded.includes(name)),
    unknown: recorded.filter((name) => !known.includes(name)),
  };
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
