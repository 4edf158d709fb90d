import { defineConfig } from 'vitest/config';

/**
 * One test runner, three suites:
 * - unit: everything that needs no outside server: embedded PGlite, a real anvil started per test file,
 *   Fastify in-process (`npm test`);
 * - services: the same code against a real PostgreSQL and Redis (`npm run test:services`; needs
 *   TEST_DATABASE_URL / TEST_REDIS_URL or the local defaults; fails when they are unreachable);
 * - browser: Chromium driven by playwright-core against the running app (`npm run test:browser`).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/ts/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.services.test.ts', '**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['packages/*/src/**/*.services.test.ts', 'packages/*/test/**/*.services.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/test/**/*.browser.test.ts'],
          exclude: ['**/node_modules/**'],
          fileParallelism: false,
        },
      },
    ],
  },
});
