import { existsSync } from 'node:fs';
import { deploymentFilePath, deploymentsDir, readDeploymentFile } from '@sge/contracts';
import type { Address } from 'viem';
import type { TContractAddresses } from '../config';

/**
 * The contracts the platform knows on its chain: those it was configured with (or deployed, in Mock mode),
 * those in the chain's deployment record (`deployments/<chainId>.json`) and any listed in configuration.
 * The relayer sends only to these (runtime.ts), so a changed program setting or a compromised caller cannot
 * make the hot wallet call, and pay gas for, an arbitrary address.
 *
 * @example
 * const known = knownContractAddresses({ contracts, chainId: 1, deploymentsDirectory: null, extra: [] });
 * known.has(contracts.payout!.toLowerCase()); // true
 */
export function knownContractAddresses(input: {
  contracts: TContractAddresses;
  chainId: number;
  /** Where the deployment record is (Mock mode: DATA_DIR); null for the default directory. */
  deploymentsDirectory: string | null;
  extra: readonly Address[];
}): ReadonlySet<string> {
  const known = new Set<string>();
  const add = (address: Address | null | undefined) => {
    if (address) known.add(address.toLowerCase());
  };
  for (const address of Object.values(input.contracts)) add(address);
  const dir = input.deploymentsDirectory ?? deploymentsDir();
  if (existsSync(deploymentFilePath(input.chainId, dir))) {
    for (const address of Object.values(readDeploymentFile(input.chainId, dir).contracts)) add(address);
  }
  for (const address of input.extra) add(address);
  return known;
}
