import type { TConnectorId } from './wallet-session';

/**
 * The connector the user chose last, so that a reload reconnects the same wallet. Key format: localStorage
 * `sge.wallet.connector` = `dev` | `injected`. Only the choice is stored, never an address or a key.
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

/**
 * The stored connector, or null when none is stored or the stored value is not one this app knows.
 *
 * @example loadConnector(localStorage) // 'dev'
 */
export function loadConnector(storage: TKeyValueStorage | null): TConnectorId | null {
  try {
    const value = storage?.getItem(CONNECTOR_STORAGE_KEY) ?? null;
    return value === 'dev' || value === 'injected' ? value : null;
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
