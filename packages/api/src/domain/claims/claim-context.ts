import { type Address, type Chain, getAddress, type PublicClient, type Transport } from 'viem';
import { readClaimTerms, type TClaimContractTerms } from '../../chain/claim-contract';
import type { TDb } from '../../db/client';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';

/**
 * What the claim use cases need from a process: the database, a chain client, the deployment-wide
 * contract addresses (a program without its own claim contract uses SGE_CLAIM_ADDRESS / the Mock
 * deployment's), the explorer and how deep a transaction must be before it counts.
 */
export type TClaimEnvironment = {
  db: TDb;
  client: PublicClient<Transport, Chain>;
  chainId: number;
  defaults: { sgeClaim: string | null; sgeId: string | null };
  explorerUrl: string | null;
  /** Blocks including and on top of a transaction before it counts as final (RELAYER_CONFIRMATIONS). */
  confirmations: number;
};

/** The runtime's view for claims (a plain object: the use cases take no runtime). */
export function claimEnvironment(runtime: {
  database: { db: TDb };
  chain: { publicClient: PublicClient<Transport, Chain>; chainId: number };
  contracts: { sgeClaim: string | null; sgeId: string | null };
  explorerUrl: string | null;
  config: { relayer: { confirmations: number } };
}): TClaimEnvironment {
  return {
    db: runtime.database.db,
    client: runtime.chain.publicClient,
    chainId: runtime.chain.chainId,
    defaults: { sgeClaim: runtime.contracts.sgeClaim, sgeId: runtime.contracts.sgeId },
    explorerUrl: runtime.explorerUrl,
    confirmations: runtime.config.relayer.confirmations,
  };
}

/** The claim contract of a program: its own, else the deployment's; AppError INVALID_STATE when neither. */
export function claimContractOf(program: TProgram, env: TClaimEnvironment): Address {
  const address = program.sge_claim_address ?? env.defaults.sgeClaim;
  if (!address) {
    throw new AppError('INVALID_STATE', `program "${program.slug}" has no claim contract configured`, {
      details: { programId: program.id },
    });
  }
  return getAddress(address);
}

/** The SGE-ID contract of a program (for the eligibility check when the claim contract names none). */
export function sgeIdContractOf(program: TProgram, env: TClaimEnvironment): Address | null {
  const address = program.sge_id_address ?? env.defaults.sgeId;
  return address ? getAddress(address) : null;
}

/**
 * Runs a chain read, turning a node failure into AppError DEPENDENCY_UNAVAILABLE (503): the client may
 * retry; nothing was written.
 */
export async function chainRead<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new AppError('DEPENDENCY_UNAVAILABLE', `could not read ${what} from the chain: ${message}`, {
      cause,
    });
  }
}

/** The immutable terms of a program's claim contract, checked against the program's own fee and amount. */
export async function programClaimTerms(
  program: TProgram,
  env: TClaimEnvironment,
): Promise<TClaimContractTerms> {
  const contract = claimContractOf(program, env);
  return await chainRead(`the claim contract ${contract}`, () => readClaimTerms(env.client, contract));
}
