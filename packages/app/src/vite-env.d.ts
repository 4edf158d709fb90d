/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL, fixed at build time; empty means the app's own origin. See src/api/api-base-url.ts. */
  readonly VITE_API_URL?: string;
  /** WalletConnect Cloud project id, fixed at build time; empty means WalletConnect is not offered. */
  readonly VITE_WALLETCONNECT_PROJECT_ID?: string;
  /** Sentry DSN, fixed at build time; empty means no error reporting and @sentry/react is never loaded. */
  readonly VITE_SENTRY_DSN?: string;
  /** The release the app's errors are filed under (e.g. a git tag); default `sge-app@dev`. */
  readonly VITE_SENTRY_RELEASE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
