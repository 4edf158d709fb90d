/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL, fixed at build time; empty means the app's own origin. See src/api/api-base-url.ts. */
  readonly VITE_API_URL?: string;
  /** WalletConnect Cloud project id, fixed at build time; empty means WalletConnect is not offered. */
  readonly VITE_WALLETCONNECT_PROJECT_ID?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
