import { existsSync } from 'node:fs';
import { deploymentFilePath, deploymentsDir, readDeploymentFile, type TDeployment } from '@sge/contracts';
import type { TProgramAddressSetting } from '@sge/shared';
import { type Address, getAddress } from 'viem';
import type { TConfig, TContractAddresses } from '../config';

/**
 * The contract and treasury addresses an admin may give a program (issue 17: "never free text"), per
 * setting: a program's SGE-ID contract may only be an SGE-ID contract the platform knows, and so on.
 * Known are:
 * - the deployment record of the connected chain (`packages/contracts/deployments/<chainId>.json`, or
 *   `DEPLOYMENTS_DIR`), and in Mock mode the one in DATA_DIR: its contracts and its treasury;
 * - the addresses this process is configured with (SGE_ID_ADDRESS, ..., TREASURY_ADDRESS);
 * - CONTRACT_ADDRESS_ALLOWLIST, for any of the settings (a second deployment, a new Safe).
 */
export type TKnownAddresses = Readonly<Record<TProgramAddressSetting, ReadonlySet<Address>>>;

/** Which deployed contract each program setting names. */
const CONTRACT_OF_SETTING = {
  sgeIdAddress: 'sgeId',
  sgeClaimAddress: 'sgeClaim',
  payoutAddress: 'payout',
} as const satisfies Record<Exclude<TProgramAddressSetting, 'treasuryAddress'>, keyof TContractAddresses>;

/** Builds the known addresses from deployment records, configured addresses and the allowlist. */
export function knownAddresses(input: {
  deployments: readonly Pick<TDeployment, 'contracts' | 'treasury'>[];
  contracts: TContractAddresses;
  treasury: Address | null;
  allowlist: readonly Address[];
}): TKnownAddresses {
  const setOf = (addresses: (Address | null | undefined)[]) =>
    new Set<Address>(
      [...addresses, ...input.allowlist].filter((a): a is Address => Boolean(a)).map((a) => getAddress(a)),
    );
  return {
    treasuryAddress: setOf([input.treasury, ...input.deployments.map((d) => d.treasury)]),
    sgeIdAddress: setOf([
      input.contracts[CONTRACT_OF_SETTING.sgeIdAddress],
      ...input.deployments.map((d) => d.contracts.sgeId),
    ]),
    sgeClaimAddress: setOf([
      input.contracts[CONTRACT_OF_SETTING.sgeClaimAddress],
      ...input.deployments.map((d) => d.contracts.sgeClaim),
    ]),
    payoutAddress: setOf([
      input.contracts[CONTRACT_OF_SETTING.payoutAddress],
      ...input.deployments.map((d) => d.contracts.payout),
    ]),
  };
}

/**
 * The deployment records of `chainId` this process can read: the repository's (or DEPLOYMENTS_DIR's) and, in
 * Mock mode, the one in DATA_DIR. A missing record is no error (Real mode may configure every address).
 */
export function readKnownDeployments(chainId: number, extraDirs: readonly string[] = []): TDeployment[] {
  const deployments: TDeployment[] = [];
  for (const dir of [deploymentsDir(), ...extraDirs]) {
    if (existsSync(deploymentFilePath(chainId, dir))) deployments.push(readDeploymentFile(chainId, dir));
  }
  return deployments;
}

/** No address known (tests, and programs that use only the platform's own contracts: `null`). */
export const NO_KNOWN_ADDRESSES: TKnownAddresses = {
  treasuryAddress: new Set(),
  sgeIdAddress: new Set(),
  sgeClaimAddress: new Set(),
  payoutAddress: new Set(),
};

const knownOf = new WeakMap<object, TKnownAddresses>();

/**
 * The known addresses of one runtime, read once (deployment records are written by deploys, which restart
 * the processes).
 */
export function knownAddressesOf(runtime: {
  config: Pick<TConfig, 'mockMode' | 'dataDir' | 'contractAddressAllowlist'> & {
    chain: Pick<TConfig['chain'], 'treasuryAddress'>;
  };
  chain: { chainId: number };
  contracts: TContractAddresses;
}): TKnownAddresses {
  let known = knownOf.get(runtime);
  if (!known) {
    known = knownAddresses({
      deployments: readKnownDeployments(
        runtime.chain.chainId,
        runtime.config.mockMode ? [runtime.config.dataDir] : [],
      ),
      contracts: runtime.contracts,
      treasury: runtime.config.chain.treasuryAddress,
      allowlist: runtime.config.contractAddressAllowlist,
    });
    knownOf.set(runtime, known);
  }
  return known;
}

/**
 * The contracts the relayer may send to: the known SGE-ID, payout and claim contracts (mints, payouts, voids,
 * gasless claims). The relayer refuses any other destination (runtime.ts), so a changed program setting or a
 * compromised caller cannot make the hot wallet call, and pay gas for, an arbitrary address.
 */
export function relayerTargets(known: TKnownAddresses): ReadonlySet<string> {
  return new Set(
    [...known.sgeIdAddress, ...known.payoutAddress, ...known.sgeClaimAddress].map((address) =>
      address.toLowerCase(),
    ),
  );
}
