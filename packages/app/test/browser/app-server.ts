import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer, mergeConfig } from 'vite';
import { createAppViteConfig } from '../../vite.config';

export interface TAppDevServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the app's Vite dev server in this process with the app's own configuration, on a free port on
 * 127.0.0.1, proxying /api, /healthz and /metrics to `apiUrl`.
 *
 * @example
 * const app = await startAppDevServer({ apiUrl: 'http://127.0.0.1:3000' });
 * await page.goto(`${app.url}/status`);
 * await app.close();
 */
export async function startAppDevServer({
  apiUrl,
  port,
  env,
}: {
  apiUrl: string;
  /** Build-time variables (`VITE_…`) as `import.meta.env` shows them to the app, e.g. VITE_SENTRY_DSN. */
  env?: Record<string, string>;
  /** A fixed port (e.g. one the API's APP_ORIGIN names, for Sign-In with Ethereum); default any free one. */
  port?: number;
}): Promise<TAppDevServer> {
  const config = mergeConfig(createAppViteConfig({ mode: 'development', apiProxyTarget: apiUrl }), {
    configFile: false,
    // Its own dependency cache, so that a developer's `npm run dev` and a test run never rewrite each other's.
    cacheDir: fileURLToPath(new URL('../../node_modules/.vite-browser-test', import.meta.url)),
    server: { host: '127.0.0.1', port: port ?? 0, strictPort: port !== undefined, watch: null },
    logLevel: 'warn',
    clearScreen: false,
    define: Object.fromEntries(
      Object.entries(env ?? {}).map(([name, value]) => [`import.meta.env.${name}`, JSON.stringify(value)]),
    ),
  });
  const server = await createServer(config);
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  const address = server.httpServer?.address() as AddressInfo | null | undefined;
  if (address === null || address === undefined || typeof address !== 'object') {
    await server.close();
    throw new Error('the Vite dev server did not report a listening address');
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
