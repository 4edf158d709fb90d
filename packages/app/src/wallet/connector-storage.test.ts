import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_STORAGE_KEY,
  loadConnector,
  saveConnector,
  type TKeyValueStorage,
} from './connector-storage';

function memoryStorage(): TKeyValueStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

describe('connector storage', () => {
  it('remembers and forgets the chosen connector under sge.wallet.connector', () => {
    const storage = memoryStorage();
    expect(loadConnector(storage)).toBeNull();
    saveConnector(storage, 'dev');
    expect(storage.values.get(CONNECTOR_STORAGE_KEY)).toBe('dev');
    expect(loadConnector(storage)).toBe('dev');
    saveConnector(storage, 'injected');
    expect(loadConnector(storage)).toBe('injected');
    saveConnector(storage, null);
    expect(storage.values.has(CONNECTOR_STORAGE_KEY)).toBe(false);
  });

  it('remembers any wagmi connector, an EIP-6963 wallet by its reverse-DNS id', () => {
    const storage = memoryStorage();
    for (const id of ['io.metamask', 'walletConnect', 'coinbaseWalletSDK', 'safe']) {
      saveConnector(storage, id);
      expect(loadConnector(storage)).toBe(id);
    }
  });

  it('ignores values that cannot be a connector id, as left by something else', () => {
    const storage = memoryStorage();
    for (const value of ['', ' dev', '{"id":"dev"}', 'x'.repeat(101), '../dev']) {
      storage.values.set(CONNECTOR_STORAGE_KEY, value);
      expect(loadConnector(storage), value).toBeNull();
    }
  });

  it('works without storage and survives a storage that throws', () => {
    expect(loadConnector(null)).toBeNull();
    saveConnector(null, 'dev');
    const broken: TKeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(loadConnector(broken)).toBeNull();
    expect(() => saveConnector(broken, 'dev')).not.toThrow();
  });
});
