import { feeModelOf, NETWORKS, networkByChainId, type TFeeModel } from '@sge/shared';

/**
 * The network the platform runs on: what the API needs of the registry entry (`@sge/shared` networks.ts) —
 * its name, explorer, default confirmations and fee model — or of a custom network the operator describes
 * (CHAIN_NAME, CHAIN_FEE_MODEL, RELAYER_CONFIRMATIONS).
 */
export type TChainNetwork = {
  chainId: number;
  name: string;
  /** The registry's explorer; EXPLORER_URL overrides it (see explorerUrlOf). */
  explorerUrl: string | null;
  /** RELAYER_CONFIRMATIONS' default on this network. */
  confirmations: number;
  feeModel: TFeeModel;
  /** registry: a known network; custom: described by the operator; unlisted: CHAIN_ID unset and the RPC's id unknown. */
  source: 'registry' | 'custom' | 'unlisted';
};

export const FEE_MODELS: readonly TFeeModel[] = ['ethereum', 'op-stack', 'arbitrum'];

/** The registry entry of `chainId` as a TChainNetwork, or undefined when the registry does not know it. */
export function registryNetwork(chainId: number): TChainNetwork | undefined {
  const network = networkByChainId(chainId);
  if (!network) return undefined;
  return {
    chainId,
    name: network.name,
    explorerUrl: network.explorerUrl,
    confirmations: network.confirmations,
    feeModel: feeModelOf(network),
    source: 'registry',
  };
}

/**
 * The network of a chain id the RPC reported when CHAIN_ID was not set: the registry's entry, else a chain
 * with Ethereum's fee model, no explorer and one confirmation (a local development chain, typically).
 */
export function networkOfChainId(chainId: number): TChainNetwork {
  return (
    registryNetwork(chainId) ?? {
      chainId,
      name: `Chain ${chainId}`,
      explorerUrl: null,
      confirmations: 1,
      feeModel: 'ethereum',
      source: 'unlisted',
    }
  );
}

/**
 * The network CHAIN_ID names: its registry entry, or — for a chain id the registry does not know — the
 * custom network CHAIN_NAME, CHAIN_FEE_MODEL and RELAYER_CONFIRMATIONS describe. A custom network described
 * only in part reports every missing variable (naming the chain id) and returns null.
 */
export function resolveChainNetwork(
  chainId: number,
  custom: { name: string | null; feeModel: string | null; confirmations: string | null },
  problem: (variable: string, text: string) => void,
): TChainNetwork | null {
  const known = registryNetwork(chainId);
  if (known) {
    if (custom.name !== null || custom.feeModel !== null) {
      problem(
        custom.name !== null ? 'CHAIN_NAME' : 'CHAIN_FEE_MODEL',
        `chain ${chainId} is ${known.name} in the network registry; CHAIN_NAME and CHAIN_FEE_MODEL describe only chains it does not know`,
      );
    }
    return known;
  }
  const registry = NETWORKS.map((network) => `${network.chainId} (${network.name})`).join(', ');
  const missing = [
    custom.name === null ? 'CHAIN_NAME' : null,
    custom.feeModel === null ? 'CHAIN_FEE_MODEL' : null,
    custom.confirmations === null ? 'RELAYER_CONFIRMATIONS' : null,
  ].filter((name) => name !== null);
  if (missing.length > 0) {
    problem(
      'CHAIN_ID',
      `chain id ${chainId} is not in the network registry (${registry}); describe it with ${missing.join(', ')}`,
    );
    return null;
  }
  if (!FEE_MODELS.includes(custom.feeModel as TFeeModel)) {
    problem('CHAIN_FEE_MODEL', `"${custom.feeModel}" is not one of ${FEE_MODELS.join(', ')}`);
    return null;
  }
  return {
    chainId,
    name: custom.name!,
    explorerUrl: null,
    // RELAYER_CONFIRMATIONS itself is validated where it is read; this is only its default.
    confirmations: 1,
    feeModel: custom.feeModel as TFeeModel,
    source: 'custom',
  };
}

/** Explorer base URL (no trailing slash): EXPLORER_URL, else the network's, else none. */
export function explorerUrlOf(network: TChainNetwork, configured: string | null): string | null {
  if (configured) return configured.replace(/\/$/, '');
  return network.explorerUrl;
}
