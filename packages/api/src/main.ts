import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type TRole } from './config';
import { findRepoRoot } from './config/repo-root';
import { createLogger } from './logging/logger';
import { scrubUrls } from './logging/scrub-urls';
import { startPlatform } from './platform';
import { StartupError } from './runtime';

/** Signals within this long after the first one are the same stop request (see shutdown below). */
const REPEATED_SIGNAL_GRACE_MS = 1_000;

/**
 * Process entry: `main.ts --role api|worker|all`. Reads packages/api/.env (or ENV_FILE) without
 * overriding variables already set, validates the whole configuration at once, starts, and on SIGTERM
 * or SIGINT drains in-flight work before exiting; a second signal more than a second later exits at once.
 */
async function main() {
  const { values } = parseArgs({ options: { role: { type: 'string' } }, strict: false });
  const role = values.role as TRole | undefined;
  if (role !== undefined && !['api', 'worker', 'all'].includes(role)) {
    process.stderr.write(`--role must be api, worker or all (got "${role}")\n`);
    process.exit(2);
  }

  const envFile = process.env.ENV_FILE ?? join(findRepoRoot(), 'packages', 'api', '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { role });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee packages/api/.env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger({ level: config.logLevel, base: { role: config.role, mode: config.mode } });
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, logger);
  } catch (error) {
    const message = error instanceof StartupError ? error.message : (error as Error).stack;
    logger.fatal({ err: error }, 'startup failed');
    process.stderr.write(`Startup failed: ${scrubUrls(message ?? String(error))}\n`);
    process.exit(1);
  }

  logger.info(
    {
      url: undefined,
      listen: platform.url,
      chainId: platform.runtime.chain.chainId,
      relayer: platform.runtime.chain.relayer.address,
      workerId: platform.workerId,
    },
    `SGE platform started (${config.mode}, role ${config.role})`,
  );

  let firstSignalAt: number | null = null;
  const shutdown = (signal: string) => {
    if (firstSignalAt !== null) {
      // One stop often arrives twice at once: Ctrl+C reaches every process of the terminal's group, and a
      // supervisor in that group (`npm run`, `npm run dev`) forwards it too. Only a later one means "now".
      if (Date.now() - firstSignalAt < REPEATED_SIGNAL_GRACE_MS) {
        logger.info({ signal }, 'signal while draining: the same stop request');
        return;
      }
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger.info({ signal }, 'draining before exit');
    const forced = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.workers.shutdownTimeoutMs + 15_000);
    forced.unref();
    platform
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${scrubUrls((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
