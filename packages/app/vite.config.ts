import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type ProxyOptions, type UserConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// This file imports nothing from src/: Vite's coming native config loader cannot follow the project's
// extensionless imports, so the one rule the app also needs (VITE_API_URL) is restated here and
// checked against src by test/vite-config.test.ts.

const appDir = fileURLToPath(new URL('.', import.meta.url));

/** Where the dev server (and `vite preview`) forwards API paths unless API_PROXY_TARGET says otherwise. */
export const DEFAULT_API_PROXY_TARGET = 'http://127.0.0.1:3000';

/** The dev server's port (SPEC §3); strict, so that a second copy fails loudly instead of moving to 5174. */
export const DEV_SERVER_PORT = 5173;

/**
 * URL paths served by the API, not the app. The dev and preview servers proxy them to the API, and the
 * service worker must never answer or cache them: a status page showing a cached relayer balance or a
 * cached health check would lie to the operator.
 */
export const API_PATH_PREFIXES = ['/api', '/healthz', '/metrics'] as const;

/**
 * The API paths as patterns over `pathname + search` (how workbox matches its navigation denylist):
 * the prefix itself, or the prefix followed by `/` or `?`. `/api` matches, `/apiary` does not.
 */
export const API_PATH_PATTERNS: readonly RegExp[] = API_PATH_PREFIXES.map(
  (prefix) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:[/?]|$)`),
);

/**
 * The wallet layer's libraries (wagmi and what only it uses of viem), which the app loads after the first
 * render. Without this group, Rolldown's automatic chunking puts them in chunks the first page imports
 * statically, because the first page also uses a few of viem's utilities (getAddress, formatUnits).
 */
export const WALLET_VENDOR_MODULES =
  /node_modules[\\/](wagmi|@wagmi|mipd|zustand|ox|@noble[\\/]curves|viem[\\/]_esm[\\/](actions|clients|accounts|chains|op-stack|account-abstraction|experimental|tempo|zksync|celo|linea))[\\/]/;

/**
 * The SDKs that wagmi's WalletConnect, Coinbase Wallet, Base Account and Safe connectors load on demand. Their
 * chunks go to WALLET_SDK_DIR, which the service worker does not precache.
 */
export const WALLET_SDK_MODULES =
  /node_modules[\\/](@walletconnect|@reown|@coinbase|@base-org|@safe-global[\\/]safe-apps|@phosphor-icons|preact|@msgpack|brotli-wasm|lit|@lit)/;
export const WALLET_SDK_DIR = 'assets/wallet-sdk';
/** The packages wagmi's connectors import on demand (its optional peer dependencies the app installs). */
export const WALLET_SDK_PACKAGES = [
  '@walletconnect/ethereum-provider',
  '@coinbase/wallet-sdk',
  '@base-org/account',
  '@safe-global/safe-apps-sdk',
  '@safe-global/safe-apps-provider',
] as const;

/** Proxies every API path to `target`. */
export function apiProxy(target: string): Record<string, ProxyOptions> {
  return Object.fromEntries(
    API_PATH_PATTERNS.map((pattern) => [
      // Vite treats a key that starts with ^ as a regular expression.
      pattern.source,
      { target, changeOrigin: true, xfwd: true } satisfies ProxyOptions,
    ]),
  );
}

/**
 * Fails the build when VITE_API_URL is neither empty nor an absolute http(s) URL without credentials,
 * query or fragment: the same rule as normalizeApiBaseUrl (src/api/api-base-url.ts), which applies it
 * again in the browser.
 */
export function assertApiUrl(raw: string | undefined): void {
  const value = (raw ?? '').trim();
  if (value === '') return;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (
    url === null ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new Error(
      `VITE_API_URL must be empty (same origin) or an absolute http(s) URL without credentials, query or fragment, such as https://api.example.com; got "${value}"`,
    );
  }
}

/**
 * The app's Vite configuration. `apiProxyTarget` is where the dev and preview servers send /api, /healthz
 * and /metrics; the production build instead calls VITE_API_URL (empty = same origin), fixed at build time.
 */
export function createAppViteConfig(options: { mode: string; apiProxyTarget: string }): UserConfig {
  assertApiUrl(loadEnv(options.mode, appDir, 'VITE_').VITE_API_URL);

  return {
    root: appDir,
    envDir: appDir,
    plugins: [
      react(),
      VitePWA({
        // A new version activates on the next load; no page of the app holds unsaved state.
        registerType: 'autoUpdate',
        injectRegister: 'script-defer',
        includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
        manifest: {
          name: 'SGE',
          short_name: 'SGE',
          description: 'SGE settlement platform: SGE-ID registration, token claims and affiliate payouts.',
          id: '/',
          start_url: '/',
          scope: '/',
          display: 'standalone',
          background_color: '#f4f5f8',
          theme_color: '#3730a3',
          icons: [
            { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
            { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
            { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
            { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          ],
        },
        workbox: {
          // Only the app shell is cached: the built JS, CSS and HTML and the icons. There is deliberately no
          // runtimeCaching, so API responses (same origin or VITE_API_URL) always come from the network.
          globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
          // The wallet SDKs (WalletConnect, Coinbase Wallet, Base Account, Safe: several MB) are fetched only
          // by a user who picks one of them, and connecting needs the network anyway.
          globIgnores: [`${WALLET_SDK_DIR}/**`],
          navigateFallback: 'index.html',
          navigateFallbackDenylist: [...API_PATH_PATTERNS],
          cleanupOutdatedCaches: true,
        },
      }),
    ],
    optimizeDeps: {
      // The dev server pre-bundles dependencies before it serves the first page; the wallet SDKs (imported
      // on demand by wagmi's connectors) are tens of MB of it. Left out, they are prepared only when a
      // developer picks one of those wallets.
      exclude: [...WALLET_SDK_PACKAGES],
    },
    server: {
      port: DEV_SERVER_PORT,
      strictPort: true,
      proxy: apiProxy(options.apiProxyTarget),
    },
    preview: {
      proxy: apiProxy(options.apiProxyTarget),
    },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      rolldownOptions: {
        output: {
          chunkFileNames: (chunk) =>
            chunk.moduleIds.some((id) => WALLET_SDK_MODULES.test(id))
              ? `${WALLET_SDK_DIR}/[name]-[hash].js`
              : 'assets/[name]-[hash].js',
          assetFileNames: (asset) =>
            asset.originalFileNames.some((name) => WALLET_SDK_MODULES.test(name))
              ? `${WALLET_SDK_DIR}/[name]-[hash][extname]`
              : 'assets/[name]-[hash][extname]',
        },
      },
    },
  };
}

export default defineConfig(({ mode }) =>
  createAppViteConfig({ mode, apiProxyTarget: process.env.API_PROXY_TARGET ?? DEFAULT_API_PROXY_TARGET }),
);
