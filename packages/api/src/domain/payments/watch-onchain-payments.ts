import { sql } from 'kysely';
import { type Address, erc20Abi, getAddress } from 'viem';
import { AppError } from '../app-error';
import { chainRead, type TClaimEnvironment } from '../claims/claim-context';
import { findPaymentTransfer, recordOnchainPayment } from './record-onchain-payment';

/**
 * Cursor (table chain_cursors) of the on-chain payment watcher: `onchain-payments:<chainId>`, the last block
 * whose Transfers to treasuries are all matched against the then open payment requests.
 */
export function onchainPaymentCursorName(chainId: number): string {
  return `onchain-payments:${chainId}`;
}

/** Blocks per eth_getLogs call (providers cap ranges at 2,000 or so). */
export const ONCHAIN_PAYMENT_WATCH_BLOCKS_MAX = 2_000;
/** A request still matched this long after it expired (a transfer sent in time, mined late). */
export const ONCHAIN_PAYMENT_GRACE_MS = 60 * 60 * 1000;

export type TWatchedPayments = {
  fromBlock: number;
  toBlock: number;
  recorded: number;
  skipped: string[];
} | null;

/**
 * One tick of the chain watcher of direct payments: reads the Transfer logs of the open requests' tokens to
 * their treasuries in the next range of final blocks (at most ONCHAIN_PAYMENT_WATCH_BLOCKS_MAX), matches each
 * to the oldest open request of that wallet, token and treasury it pays in full, and records it through the
 * same path as the page's report (findPaymentTransfer + recordOnchainPayment), so a payment is recorded once
 * whoever reports it first. The cursor moves after the range; a node failure throws (retried, cursor kept).
 *
 * @example
 * await watchOnchainPayments(env);
 */
export async function watchOnchainPayments(env: TClaimEnvironment): Promise<TWatchedPayments> {
  const open = await env.db
    .selectFrom('onchain_payment_requests')
    .selectAll()
    .where('chain_id', '=', env.chainId)
    .where('status', '=', 'PENDING')
    .where('expires_at', '>', new Date(Date.now() - ONCHAIN_PAYMENT_GRACE_MS))
    .orderBy('created_at')
    .execute();
  if (open.length === 0) return null;
  const name = onchainPaymentCursorName(env.chainId);
  const cursor = await env.db
    .selectFrom('chain_cursors')
    .select('block_number')
    .where('name', '=', name)
    .executeTakeFirst();
  const earliest = Math.min(...open.map((request) => Number(request.from_block)));
  const from = BigInt(Math.max(earliest, cursor ? Number(cursor.block_number) + 1 : 0));
  const head = await chainRead('the block number', () => env.client.getBlockNumber({ cacheTime: 0 }));
  const lastFinal = head - BigInt(env.confirmations - 1);
  if (from > lastFinal) return null;
  const to =
    from + BigInt(ONCHAIN_PAYMENT_WATCH_BLOCKS_MAX - 1) < lastFinal
      ? from + BigInt(ONCHAIN_PAYMENT_WATCH_BLOCKS_MAX - 1)
      : lastFinal;
  const tokens = [...new Set(open.map((request) => getAddress(request.token_address)))];
  const treasuries = [...new Set(open.map((request) => getAddress(request.treasury)))] as Address[];
  const logs = await chainRead('token transfers', () =>
    env.client.getContractEvents({
      address: tokens,
      abi: erc20Abi,
      eventName: 'Transfer',
      args: { to: treasuries },
      fromBlock: from,
      toBlock: to,
      strict: true,
    }),
  );
  const result = { fromBlock: Number(from), toBlock: Number(to), recorded: 0, skipped: [] as string[] };
  const taken = new Set<string>();
  for (const log of logs) {
    const request = open.find(
      (r) =>
        !taken.has(r.id) &&
        getAddress(r.wallet) === getAddress(log.args.from) &&
        getAddress(r.token_address) === getAddress(log.address) &&
        getAddress(r.treasury) === getAddress(log.args.to) &&
        BigInt(r.from_block) <= log.blockNumber &&
        log.args.value >= r.amount,
    );
    if (!request) continue;
    try {
      const transfer = await findPaymentTransfer(env, request, log.transactionHash);
      const { created } = await recordOnchainPayment(env, request.id, transfer, 'watcher');
      taken.add(request.id);
      if (created) result.recorded += 1;
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'DEPENDENCY_UNAVAILABLE') throw error;
      result.skipped.push(`${log.transactionHash}: ${error.code} ${error.message}`);
    }
  }
  await env.db
    .insertInto('chain_cursors')
    .values({ name, block_number: Number(to), updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        block_number: sql`greatest(chain_cursors.block_number, excluded.block_number)`,
        updated_at: new Date(),
      }),
    )
    .execute();
  return result;
}
