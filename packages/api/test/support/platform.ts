import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { startPlatform, type TPlatform } from '../../src/platform';
import { TEST_PLATFORM_ENV } from './test-platform-env';

export function tempDir(prefix = 'sge-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Starts a whole platform process in-process (HTTP on a free port) from environment variables, as
 * main.ts would. Mock mode by default: embedded PGlite in `dataDir`, a real anvil, the in-process queue.
 */
export async function startTestPlatform(env: Record<string, string>): Promise<TPlatform> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...TEST_PLATFORM_ENV,
    ...env,
  });
  return await startPlatform(config, createLogger({ level: config.logLevel }));
}
