import type { TMode } from '@sge/shared';
import { useEffect, useState } from 'react';
import type { TKeyValueStorage } from './connector-storage';
import type { TWalletEngine } from './wallet-engine';
import { toWalletError, type WalletError } from './wallet-error';

export type TEngineLoad =
  | { status: 'loading' }
  | { status: 'ready'; engine: TWalletEngine }
  | { status: 'failed'; error: WalletError };

/**
 * The wallet engine (wagmi and its connectors), loaded with a dynamic import once the API has said which
 * mode and chain the platform runs on (`settled`: answered or failed), and reconnecting the remembered
 * wallet at once. A change of mode or chain builds a new engine; the old one is destroyed.
 *
 * @example const load = useWalletEngine({ settled: true, mode: 'MOCK', chainId: 31337, storage });
 */
export function useWalletEngine({
  settled,
  mode,
  chainId,
  storage,
}: {
  settled: boolean;
  mode: TMode | null;
  chainId: number | null;
  storage: TKeyValueStorage | null;
}): TEngineLoad {
  const [load, setLoad] = useState<TEngineLoad>({ status: 'loading' });

  useEffect(() => {
    if (!settled) return;
    let cancelled = false;
    let engine: TWalletEngine | null = null;
    import('./open-wallet-engine')
      .then(({ openWalletEngine }) => {
        if (cancelled) return;
        engine = openWalletEngine({ mode, chainId, storage });
        // Before the first render with the engine, so that a remembered wallet shows "connecting" at once.
        void engine.restore();
        setLoad({ status: 'ready', engine });
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoad({ status: 'failed', error: toWalletError(error) });
      });
    return () => {
      cancelled = true;
      engine?.destroy();
      setLoad({ status: 'loading' });
    };
  }, [settled, mode, chainId, storage]);

  return load;
}
