import type { TClaimToken } from '@sge/shared';
import { DEFAULT_PROGRAM_ID } from '@sge/shared';
import type { Address } from 'viem';
import { getClaimedLogs } from '../../chain/claim-contract';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { chainRead, claimContractOf, type TClaimEnvironment } from './claim-context';
import { CLAIM_WATCHER_BLOCK_RANGE_MAX, CLAIM_WATCHER_RANGES_PER_TICK_MAX } from './claim-limits';
import { recordVerifiedClaim } from './record-claim';
import { verifyClaimTransaction } from './verify-claim-transaction';

/**
 * Cursor name of the watcher of one claim contract (table chain_cursors): `claim-watcher:<chainId>:<contract
 * lower-case>`. Its block_number is the last block whose Claimed events are all recorded.
 */
export function claimCursorName(chainId: number, contract: string): string {
  return `claim-watcher:${chainId}:${contract.toLowerCase()}`;
}

export type TWatchedRange = {
  contract: Address;
  fromBlock: number;
  toBlock: number;
  /** Claims this range recorded. */
  recorded: number;
  /** Their transactions and fee tokens. */
  recordedClaims: { txHash: string; wallet: Address; token: TClaimToken }[];
  /** Claims already recorded (by the API, another watcher, or an earlier run). */
  alreadyRecorded: number;
  /** Claimed events that fail the program's checks (e.g. its fee differs from the contract's): not recorded. */
  skipped: { txHash: string; code: string; message: string }[];
};

export type TWatchOptions = {
  /** First block to scan for a contract that has no cursor yet (e.g. its deployment block). */
  startBlock(contract: Address): bigint;
  rangeBlocksMax?: number;
  rangesMax?: number;
};

/**
 * One tick of the chain watcher: for every claim contract of a non-archived program, reads its Claimed
 * events from the block after its cursor up to the last final block (the head minus confirmations − 1, so
 * a reorg of the unconfirmed tip never reaches the ledger), in ranges of at most rangeBlocksMax blocks and
 * at most rangesMax ranges, and records each claim through the same path as POST /api/claim/record
 * (verifyClaimTransaction + recordVerifiedClaim; the contract's event is the proof, so the transaction may
 * come from a smart wallet). The cursor advances after each range's claims are recorded, so a crash re-reads
 * at most one range, and re-recording is a no-op by the database keys. Any number of watchers may run.
 *
 * A node failure throws (the tick is retried; the cursor stays); an event that fails the checks is skipped
 * and reported, so one misconfigured program cannot stall the others.
 *
 * @example
 * const ranges = await watchClaims(env, { startBlock: () => deployment.blockNumber });
 */
export async function watchClaims(env: TClaimEnvironment, options: TWatchOptions): Promise<TWatchedRange[]> {
  const programs = await env.db
    .selectFrom('programs')
    .selectAll()
    .where('status', '<>', 'ARCHIVED')
    .orderBy('created_at')
    .execute();
  const byContract = new Map<Address, TProgram[]>();
  for (const program of programs) {
    let contract: Address;
    try {
      contract = claimContractOf(program, env);
    } catch {
      continue;
    }
    byContract.set(contract, [...(byContract.get(contract) ?? []), program]);
  }
  const ranges: TWatchedRange[] = [];
  for (const [contract, users] of byContract) {
    ranges.push(...(await watchContract(env, contract, users, options)));
  }
  return ranges;
}

async function watchContract(
  env: TClaimEnvironment,
  contract: Address,
  programs: TProgram[],
  options: TWatchOptions,
): Promise<TWatchedRange[]> {
  const rangeBlocks = BigInt(options.rangeBlocksMax ?? CLAIM_WATCHER_BLOCK_RANGE_MAX);
  const rangesMax = options.rangesMax ?? CLAIM_WATCHER_RANGES_PER_TICK_MAX;
  const name = claimCursorName(env.chainId, contract);
  const head = await chainRead('the block number', () => env.client.getBlockNumber({ cacheTime: 0 }));
  const lastFinal = head - BigInt(env.confirmations - 1);
  const cursor = await env.db
    .selectFrom('chain_cursors')
    .select('block_number')
    .where('name', '=', name)
    .executeTakeFirst();
  let from = cursor ? BigInt(cursor.block_number) + 1n : options.startBlock(contract);
  const ranges: TWatchedRange[] = [];
  while (ranges.length < rangesMax && from <= lastFinal) {
    const to = from + rangeBlocks - 1n < lastFinal ? from + rangeBlocks - 1n : lastFinal;
    const logs = await chainRead('claim events', () => getClaimedLogs(env.client, contract, from, to));
    const range: TWatchedRange = {
      contract,
      fromBlock: Number(from),
      toBlock: Number(to),
      recorded: 0,
      recordedClaims: [],
      alreadyRecorded: 0,
      skipped: [],
    };
    for (const log of logs) {
      const program = await programOfClaimant(env, programs, log.account);
      try {
        const verified = await verifyClaimTransaction(env, program, {
          wallet: log.account,
          txHash: log.txHash,
          direct: false,
          source: 'watcher',
        });
        const { created } = await recordVerifiedClaim(env.db, verified);
        if (created) {
          range.recorded += 1;
          range.recordedClaims.push({ txHash: verified.txHash, wallet: log.account, token: verified.token });
        } else range.alreadyRecorded += 1;
      } catch (error) {
        if (error instanceof AppError && error.code === 'ALREADY_CLAIMED') {
          range.alreadyRecorded += 1;
        } else if (error instanceof AppError && error.code !== 'DEPENDENCY_UNAVAILABLE') {
          range.skipped.push({ txHash: log.txHash, code: error.code, message: error.message });
        } else {
          throw error;
        }
      }
    }
    await env.db
      .insertInto('chain_cursors')
      .values({ name, block_number: Number(to), updated_at: new Date() })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          // Never backwards: another watcher may have gone further meanwhile.
          block_number: eb.fn('greatest', [
            eb.ref('chain_cursors.block_number'),
            eb.ref('excluded.block_number'),
          ]),
          updated_at: new Date(),
        })),
      )
      .execute();
    ranges.push(range);
    from = to + 1n;
  }
  return ranges;
}

/**
 * The program a claim on a shared contract belongs to: the one the wallet is registered in (its users row
 * or its registration intent), else the default program when it uses the contract, else the oldest.
 */
async function programOfClaimant(
  env: TClaimEnvironment,
  programs: TProgram[],
  wallet: Address,
): Promise<TProgram> {
  if (programs.length === 1) return programs[0]!;
  const ids = programs.map((program) => program.id);
  const registered = await env.db
    .selectFrom('users')
    .select('program_id')
    .where('wallet', '=', wallet)
    .where('program_id', 'in', ids)
    .where('token_id', 'is not', null)
    .executeTakeFirst();
  const chosen =
    programs.find((program) => program.id === registered?.program_id) ??
    programs.find((program) => program.id === DEFAULT_PROGRAM_ID) ??
    programs[0]!;
  return chosen;
}
