import type { TConnectorId } from './wallet-session';

/**
 * The connector the user chose last, so that a reload reconnects the same wallet. Key format: localStorage
 * `sge.wallet.connector` = a wagmi connector id (`dev`, `injected`, an EIP-6963 wallet's reverse-DNS id such
 * as `io.metamask`, `walletConnect`, ...). Only the choice is stored, never an address or a key.
 */
export const CONNECTOR_STORAGE_KEY = 'sge.wallet.connector';

/** The part of the Storage API used here; `window.localStorage` in the app, a Map-backed stand-in in tests. */
export type TKeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The browser's localStorage, or null where it is unavailable (disabled, sandboxed frame, private mode quirks). */
export function browserStorage(): TKeyValueStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** What a connector id looks like: wagmi's ids and EIP-6963 reverse-DNS names. */
const CONNECTOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The stored connector, or null when none is stored or the stored value cannot be a connector id.
 *
 * @example loadConnector(localStorage) // 'io.metamask'
 */
export function loadConnector(storage: TKeyValueStorage | null): TConnectorId | null {
  try {
    const value = storage?.getItem(CONNECTOR_STORAGE_KEY) ?? null;
    return value !== null && CONNECTOR_ID_PATTERN.test(value) ? value : null;
  } catch {
    return null;
  }
}

/** Remembers `connector`, or forgets the choice with null. Storage failures (quota, disabled) are ignored. */
export function saveConnector(storage: TKeyValueStorage | null, connector: TConnectorId | null): void {
  try {
    if (connector === null) storage?.removeItem(CONNECTOR_STORAGE_KEY);
    else storage?.setItem(CONNECTOR_STORAGE_KEY, connector);
  } catch {
    // Remembering the wallet is a convenience; the app works without it.
  }
}
