import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type QueryResult,
  type RawBuilder,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/**
 * One Kysely<Database> over either PostgreSQL (Real/Production, `pg` pool) or the embedded PGlite
 * (Mock mode, persisted in a data directory). The same migrations and queries run on both.
 *
 * Type mapping, the same on both: numeric → bigint (every numeric column is an integer amount in the
 * currency's smallest unit or a token id), int8 → number (counts, ids, block numbers: all < 2^53).
 */
export type TDb = Kysely<Database>;
export type TDatabaseKind = 'postgres' | 'pglite';
export type TDatabase = { db: TDb; kind: TDatabaseKind; close(): Promise<void> };

const OID_INT8 = 20;
const OID_NUMERIC = 1700;

function parseNumeric(text: string): bigint {
  if (!/^-?\d+$/.test(text)) {
    // A fractional numeric means a query computed one (avg, division): cast it in SQL instead.
    throw new Error(`numeric value "${text}" is not an integer; cast fractional results to float8 in SQL`);
  }
  return BigInt(text);
}

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`int8 value ${text} exceeds 2^53; use numeric for it`);
  return value;
}

/**
 * Named prepared statements, by SQL text and by name (one text per name). A statement run through
 * `executePrepared` is parsed and planned once per PostgreSQL connection and then only bound and executed:
 * for the hottest statement, the registration group commit, that is about a tenth of PostgreSQL's CPU per
 * row. (PGlite runs them as any other statement.)
 */
const preparedNameByText = new Map<string, string>();
const preparedTextByName = new Map<string, string>();

/** node-postgres's client, running the texts registered by `executePrepared` as named statements. */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const name = typeof text === 'string' ? preparedNameByText.get(text) : undefined;
    if (name !== undefined && Array.isArray(values)) {
      return super.query({ name, text: text as string, values }, callback as never) as never;
    }
    return (super.query as (...all: unknown[]) => never)(...args);
  }
}

/**
 * Runs `query` as the named prepared statement `name` (see preparedNameByText). The name must always be
 * given the same SQL text: a query whose text depends on its values (an IN list, optional clauses) cannot be
 * a prepared statement.
 *
 * @example
 * const result = await executePrepared(db, 'register_intents', sql`INSERT ... FROM unnest(${wallets}::text[])`);
 */
export async function executePrepared<R>(
  db: TDb,
  name: string,
  query: RawBuilder<R>,
): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  const known = preparedTextByName.get(name);
  if (known === undefined) {
    preparedTextByName.set(name, compiled.sql);
    preparedNameByText.set(compiled.sql, name);
  } else if (known !== compiled.sql) {
    throw new Error(`prepared statement "${name}" was given another SQL text`);
  }
  return await db.executeQuery(compiled);
}

export type TDatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      poolMax?: number;
      applicationName?: string;
      /** Every session read-only (default_transaction_read_only): the read replica's pool. */
      readOnly?: boolean;
    }
  | { kind: 'pglite'; dataDir: string | null };

/**
 * Opens a database.
 *
 * @example
 * const { db, close } = await openDatabase({ kind: 'pglite', dataDir: '.data/pglite' });
 * const programs = await db.selectFrom('programs').selectAll().execute();
 * await close();
 */
export async function openDatabase(options: TDatabaseOptions): Promise<TDatabase> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({
      Client: PreparingClient,
      connectionString: options.url,
      max: options.poolMax ?? 20,
      application_name: options.applicationName ?? 'sge',
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
      // Fail fast instead of queueing forever when PostgreSQL is down.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      types: {
        getTypeParser: ((oid: number, format?: string) => {
          if (oid === OID_NUMERIC) return parseNumeric;
          if (oid === OID_INT8) return parseInt8;
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its connection (PostgreSQL restart) must not crash the process.
    pool.on('error', () => {});
    // Nor may a checked-out one between two queries (a transaction or a held connection): its next query
    // fails instead, and the pool discards it when it is released.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }

  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    dataDir: options.dataDir ?? undefined,
    parsers: { [OID_NUMERIC]: parseNumeric, [OID_INT8]: parseInt8 },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pgliteAsPool(pglite) }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/**
 * PGlite is one connection. Kysely's PostgreSQL driver wants a pool: this one hands out that single
 * connection to one holder at a time (a transaction keeps it until commit), in arrival order.
 */
function pgliteAsPool(pglite: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  const client = (release: () => void): PostgresPoolClient =>
    ({
      async query<R>(sqlText: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
        const command = sqlText.trimStart().split(/\s/, 1)[0]!.toUpperCase();
        if (parameters.length === 0) {
          // exec runs several statements (migrations); the last statement's result is the answer.
          const results = await pglite.exec(sqlText);
          const last = results[results.length - 1];
          return {
            command: command as 'SELECT',
            rowCount: last?.affectedRows ?? 0,
            rows: (last?.rows ?? []) as R[],
          };
        }
        const result = await pglite.query<R>(sqlText, parameters as unknown[]);
        return { command: command as 'SELECT', rowCount: result.affectedRows ?? 0, rows: result.rows };
      },
      release,
    }) as PostgresPoolClient;
  return {
    async connect() {
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => mine);
      await previous;
      let released = false;
      return client(() => {
        if (released) return;
        released = true;
        release();
      });
    },
    async end() {
      await tail;
      await pglite.close();
    },
  };
}
