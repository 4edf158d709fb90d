import { sgeClaimAbi } from '@sge/contracts';
import { type Address, getAddress } from 'viem';
import { claimCursorName } from '../claims/watch-claims';
import { FindingList, type TReconciliationCheck } from './check-context';
import { CLAIM_EVENTS_BLOCK_RANGE_MAX, CLAIM_EVENTS_BLOCKS_PER_RUN_MAX } from './reconciliation-limits';

/**
 * Every claim paid on-chain is recorded (issue 17): the `Claimed` events of each program's claim contract in
 * the last CLAIM_EVENTS_BLOCKS_PER_RUN_MAX blocks the chain watcher has finished (up to its cursor, where every
 * event is either recorded or was reported as failing the program's checks) each have a CLAIM settlement with
 * that transaction and log index (CLAIM_NOT_RECORDED, FAIL): a user paid the fee and holds SGE, and the
 * ledger, the commissions and the treasury's figures know nothing of it. A contract the watcher has not
 * started on is counted, not read.
 */
export const checkClaimsRecorded: TReconciliationCheck = {
  name: 'claims_recorded',
  async run({ db, publicClient, contracts }) {
    const findings = new FindingList();
    const chainId = await publicClient.getChainId();
    const programs = await db
      .selectFrom('programs')
      .select(['id', 'sge_claim_address'])
      .where('status', '<>', 'ARCHIVED')
      .execute();
    const claimContracts = new Set<Address>();
    for (const program of programs) {
      const address = program.sge_claim_address ?? contracts.sgeClaim;
      if (address) claimContracts.add(getAddress(address));
    }
    let events = 0;
    let unwatched = 0;
    for (const contract of claimContracts) {
      const cursor = await db
        .selectFrom('chain_cursors')
        .select('block_number')
        .where('name', '=', claimCursorName(chainId, contract))
        .executeTakeFirst();
      if (!cursor) {
        unwatched++;
        continue;
      }
      const toBlock = BigInt(cursor.block_number);
      const fromBlock =
        toBlock >= BigInt(CLAIM_EVENTS_BLOCKS_PER_RUN_MAX)
          ? toBlock - BigInt(CLAIM_EVENTS_BLOCKS_PER_RUN_MAX) + 1n
          : 0n;
      for (let from = fromBlock; from <= toBlock; from += BigInt(CLAIM_EVENTS_BLOCK_RANGE_MAX)) {
        const to =
          from + BigInt(CLAIM_EVENTS_BLOCK_RANGE_MAX) - 1n < toBlock
            ? from + BigInt(CLAIM_EVENTS_BLOCK_RANGE_MAX) - 1n
            : toBlock;
        const logs = await publicClient.getContractEvents({
          address: contract,
          abi: sgeClaimAbi,
          eventName: 'Claimed',
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
        events += logs.length;
        if (logs.length === 0) continue;
        const recorded = await db
          .selectFrom('settlements')
          .select(['tx_hash', 'log_index'])
          .where('kind', '=', 'CLAIM')
          .where(
            'tx_hash',
            'in',
            logs.map((log) => log.transactionHash.toLowerCase()),
          )
          .execute();
        const seen = new Set(recorded.map((row) => `${row.tx_hash}:${row.log_index}`));
        for (const log of logs) {
          if (seen.has(`${log.transactionHash.toLowerCase()}:${log.logIndex}`)) continue;
          findings.add({
            kind: 'CLAIM_NOT_RECORDED',
            severity: 'FAIL',
            subject: `tx:${log.transactionHash}`,
            message: `${log.args.account} claimed on ${contract} in ${log.transactionHash} (block ${log.blockNumber}), paying ${log.args.fee} of ${log.args.paymentToken}, but no claim settlement records it`,
            details: {
              contract,
              wallet: log.args.account,
              txHash: log.transactionHash,
              logIndex: log.logIndex,
              blockNumber: log.blockNumber,
              fee: log.args.fee,
              paymentToken: log.args.paymentToken,
            },
          });
        }
      }
    }
    return {
      summary:
        findings.count === 0
          ? `${events} Claimed event(s) of ${claimContracts.size - unwatched} watched claim contract(s) are all recorded`
          : `${findings.count} on-chain claim(s) not recorded`,
      figures: { claimEvents: events, claimContracts: claimContracts.size, unwatchedContracts: unwatched },
      findings,
    };
  },
};
