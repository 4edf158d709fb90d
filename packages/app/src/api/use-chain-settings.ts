import type { TMode } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { CHAIN_SETTINGS_STALE_MS } from '../limits';
import { api } from './api';

export interface TChainSettings {
  mode: TMode;
  /** The chain the platform runs on; null while the API cannot reach its node. */
  chainId: number | null;
  /** Block explorer base URL; null on local chains. */
  explorerUrl: string | null;
}

/**
 * What the app needs to know about the platform's chain (from GET /api/system/status): the mode (the dev
 * wallet exists only in Mock mode), the chain id (the wrong-network guard) and the block explorer. These
 * change only when the API is reconfigured, so they are re-read at most every CHAIN_SETTINGS_STALE_MS.
 */
export function useChainSettings() {
  return useQuery({
    queryKey: ['chain-settings'],
    queryFn: ({ signal }) => api.getSystemStatus({ signal }),
    select: (status): TChainSettings => ({
      mode: status.mode,
      chainId: status.chainId,
      explorerUrl: status.explorerUrl,
    }),
    staleTime: CHAIN_SETTINGS_STALE_MS,
  });
}
