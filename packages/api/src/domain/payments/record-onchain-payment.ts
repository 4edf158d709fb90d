import type { TOnchainPayment } from '@sge/shared';
import { type Address, getAddress, type Hex } from 'viem';
import { decodeTransferLog } from '../../chain/claim-contract';
import { AppError } from '../app-error';
import { chainRead, type TClaimEnvironment } from '../claims/claim-context';
import { SQLSTATE_UNIQUE_VIOLATION, sqlState } from '../in-transaction';
import { writeRevenueIntent } from '../settlements/write-revenue-intent';
import { onchainPaymentKey, onchainPaymentView, type TOnchainPaymentRow } from './onchain-payment-view';

/** A Transfer that pays a request, as read from the chain (nothing in it comes from a client). */
export type TPaymentTransfer = {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  blockTime: Date;
  value: bigint;
};

/**
 * The Transfer of `txHash` that pays `request`: final (RELAYER_CONFIRMATIONS deep), successful, in a block
 * from the request's on, from the request's wallet, of its token, to its treasury, of at least its amount.
 * Otherwise a clear error: PAYMENT_TX_NOT_FOUND / _PENDING / _INVALID, PAYMENT_WRONG_TOKEN (the treasury was
 * paid in another token), PAYMENT_WRONG_RECIPIENT (the token went elsewhere), PAYMENT_UNDERPAID (less than
 * asked: the amounts named).
 */
export async function findPaymentTransfer(
  env: TClaimEnvironment,
  request: TOnchainPaymentRow,
  txHash: Hex,
): Promise<TPaymentTransfer> {
  const receipt = await chainRead('the transaction', () =>
    env.client.getTransactionReceipt({ hash: txHash }).catch((error: Error) => {
      if (error.name === 'TransactionReceiptNotFoundError') return null;
      throw error;
    }),
  );
  if (!receipt) throw new AppError('PAYMENT_TX_NOT_FOUND', `transaction ${txHash} is not on the chain (yet)`);
  const head = await chainRead('the block number', () => env.client.getBlockNumber({ cacheTime: 0 }));
  if (head - receipt.blockNumber + 1n < BigInt(env.confirmations)) {
    throw new AppError(
      'PAYMENT_TX_PENDING',
      `transaction ${txHash} is not final yet; report it again shortly`,
    );
  }
  if (receipt.status !== 'success')
    throw new AppError('PAYMENT_TX_INVALID', `transaction ${txHash} reverted`);
  if (receipt.blockNumber < BigInt(request.from_block)) {
    throw new AppError('PAYMENT_TX_INVALID', `transaction ${txHash} was mined before the payment was asked`);
  }
  const wallet = getAddress(request.wallet);
  const token = getAddress(request.token_address);
  const treasury = getAddress(request.treasury);
  const fromWallet = receipt.logs
    .map((log) => ({ log, transfer: decodeTransferLog(log) }))
    .filter((entry) => entry.transfer !== null && entry.transfer.from === wallet);
  const paying = fromWallet.filter((e) => e.transfer!.token === token && e.transfer!.to === treasury);
  const best = paying.sort((a, b) => (b.transfer!.value > a.transfer!.value ? 1 : -1))[0];
  if (!best) {
    if (fromWallet.some((e) => e.transfer!.to === treasury)) {
      throw new AppError(
        'PAYMENT_WRONG_TOKEN',
        `transaction ${txHash} paid the treasury in another token; this payment asks for ${request.token} (${token})`,
        { details: { token: request.token, tokenAddress: token } },
      );
    }
    if (fromWallet.some((e) => e.transfer!.token === token)) {
      throw new AppError(
        'PAYMENT_WRONG_RECIPIENT',
        `transaction ${txHash} sent ${request.token} to another address; pay the treasury ${treasury}`,
        { details: { treasury } },
      );
    }
    throw new AppError('PAYMENT_TX_INVALID', `transaction ${txHash} has no token transfer from ${wallet}`);
  }
  if (best.transfer!.value < request.amount) {
    throw new AppError(
      'PAYMENT_UNDERPAID',
      `transaction ${txHash} paid ${best.transfer!.value} of the ${request.amount} ${request.token} (smallest unit) asked`,
      { details: { paid: best.transfer!.value.toString(), asked: request.amount.toString() } },
    );
  }
  const block = await chainRead('the block', () => env.client.getBlock({ blockNumber: receipt.blockNumber }));
  return {
    txHash: receipt.transactionHash.toLowerCase(),
    logIndex: best.log.logIndex!,
    blockNumber: Number(receipt.blockNumber),
    blockHash: receipt.blockHash,
    blockTime: new Date(Number(block.timestamp) * 1000),
    value: best.transfer!.value,
  };
}

/**
 * Records a verified transfer as the request's payment, exactly once whoever reports it first (the page or
 * the chain watcher), in one transaction: the request locked; the COMMERCE_PAYMENT intent, attribution,
 * settlement (the amount received, in the token), ledger and commissions through writeRevenueIntent; the
 * transfer in `onchain_payments` (primary key chain + tx hash + log index: one transfer pays one request); the
 * request PAID. A request paid by this same transfer answers `created: false`; by another, or a transfer
 * that paid another request, CONFLICT.
 *
 * @example
 * const transfer = await findPaymentTransfer(env, request, txHash);
 * await recordOnchainPayment(env, request.id, transfer, 'page');
 */
export async function recordOnchainPayment(
  env: TClaimEnvironment,
  requestId: string,
  transfer: TPaymentTransfer,
  source: 'page' | 'watcher',
): Promise<{ created: boolean; payment: TOnchainPayment }> {
  try {
    return await env.db.transaction().execute(async (tx) => {
      const request = await tx
        .selectFrom('onchain_payment_requests')
        .selectAll()
        .where('id', '=', requestId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const existing = await tx
        .selectFrom('onchain_payments')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      if (existing) {
        if (existing.tx_hash === transfer.txHash && existing.log_index === transfer.logIndex) {
          return { created: false, payment: await onchainPaymentView(tx, request) };
        }
        throw new AppError('CONFLICT', `payment ${requestId} was paid by transaction ${existing.tx_hash}`);
      }
      const written = await writeRevenueIntent(tx, {
        programId: request.program_id,
        idempotencyKey: onchainPaymentKey(request.program_id, request.id),
        wallet: request.wallet,
        payload: { requestId: request.id, txHash: transfer.txHash, logIndex: transfer.logIndex, source },
        attribution: {
          fallbackAffiliateId: request.referrer_affiliate_id,
          note: `attributed at on-chain payment ${request.id}`,
        },
        reason: `paid on-chain in ${transfer.txHash} (reported by the ${source === 'page' ? 'page' : 'chain watcher'})`,
        confirmedAt: transfer.blockTime,
        settlement: {
          kind: 'COMMERCE_PAYMENT',
          amount: transfer.value,
          currency: request.token,
          txHash: transfer.txHash,
          blockNumber: transfer.blockNumber,
          blockHash: transfer.blockHash,
          logIndex: transfer.logIndex,
          providerRef: `onchain:${request.chain_id}:${transfer.txHash}:${transfer.logIndex}`,
          details: {
            source: 'onchain',
            requestId: request.id,
            reportedBy: source,
            tokenAddress: request.token_address,
            treasury: request.treasury,
            asked: request.amount.toString(),
          },
          occurredAt: transfer.blockTime,
        },
      });
      await tx
        .insertInto('onchain_payments')
        .values({
          chain_id: request.chain_id,
          tx_hash: transfer.txHash,
          log_index: transfer.logIndex,
          request_id: request.id,
          settlement_id: written.recorded.settlement.id,
          source,
        })
        .execute();
      const paid = await tx
        .updateTable('onchain_payment_requests')
        .set({ status: 'PAID', paid_at: transfer.blockTime, settlement_id: written.recorded.settlement.id })
        .where('id', '=', request.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { created: true, payment: await onchainPaymentView(tx, paid) };
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE_UNIQUE_VIOLATION) {
      throw new AppError(
        'CONFLICT',
        `transfer ${transfer.txHash}#${transfer.logIndex} already paid another payment`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** The request's token as an address (for the watcher's log filter). */
export function requestToken(request: TOnchainPaymentRow): Address {
  return getAddress(request.token_address);
}
