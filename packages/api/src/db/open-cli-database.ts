import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDataDirLock } from '../config/data-dir-lock';
import { ConfigError, loadConfig } from '../config/load-config';
import { findRepoRoot } from '../config/repo-root';
import { openDatabase, type TDatabase } from './client';

/** The variables of ARCHIVE_URL and its S3 client, read in Real mode besides DATABASE_URL. */
const ARCHIVE_VARIABLES = [
  'ARCHIVE_URL',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;

export type TCliDatabase = {
  database: TDatabase;
  config: ReturnType<typeof loadConfig>;
  /** Where the database is, for messages: "embedded database in .data" or "PostgreSQL at DATABASE_URL". */
  where: string;
  close(): Promise<void>;
};

/**
 * The configuration of a command-line tool that needs only the database (db:*, archive, ops:backup-drill).
 * Reads packages/api/.env (or ENV_FILE) without overriding the environment. In Real mode only DATABASE_URL
 * (or DATABASE_URL_FILE) and the archive's ARCHIVE_URL and AWS_* are read, so a deploy step can run with that
 * variable alone. A configuration error is printed and exits with status 1.
 */
export function loadCliConfig(): ReturnType<typeof loadConfig> {
  const envFile = process.env.ENV_FILE ?? join(findRepoRoot(), 'packages', 'api', '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const mockMode = !/^(false|0|no)$/i.test(process.env.MOCK_MODE?.trim() ?? 'true');
  try {
    return loadConfig(
      mockMode
        ? process.env
        : {
            MOCK_MODE: 'false',
            NODE_ENV: process.env.NODE_ENV,
            DATABASE_URL: process.env.DATABASE_URL,
            DATABASE_URL_FILE: process.env.DATABASE_URL_FILE,
            // Where the archive writes, and its S3 client (npm run archive).
            ...Object.fromEntries(
              ARCHIVE_VARIABLES.flatMap((name) => [
                [name, process.env[name]],
                [`${name}_FILE`, process.env[`${name}_FILE`]],
              ]),
            ),
            // Placeholders for what the database commands never use.
            REDIS_URL: 'redis://unused',
            RPC_URL: 'http://unused',
            RELAYER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
            TREASURY_ADDRESS: `0x${'22'.repeat(20)}`,
            // A fresh random key: Real mode refuses guessable ones, and nothing here serves admin requests.
            ADMIN_API_KEYS: `unused:${randomBytes(32).toString('base64url')}`,
          },
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Opens the database a command-line tool works on: Mock mode's embedded database in DATA_DIR (holding the
 * DATA_DIR lock, so it refuses while the platform runs), or PostgreSQL at DATABASE_URL.
 */
export async function openCliDatabase(
  config: ReturnType<typeof loadConfig>,
  command: string,
): Promise<TCliDatabase> {
  const release = config.mockMode ? acquireDataDirLock(config.dataDir, command) : null;
  try {
    const database = config.mockMode
      ? await openDatabase({ kind: 'pglite', dataDir: join(config.dataDir, 'pglite') })
      : await openDatabase({
          kind: 'postgres',
          url: config.database.url!,
          poolMax: 2,
          applicationName: `sge-${command}`,
        });
    return {
      database,
      config,
      where: config.mockMode ? `embedded database in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL',
      async close() {
        await database.close();
        release?.();
      },
    };
  } catch (error) {
    release?.();
    throw error;
  }
}
