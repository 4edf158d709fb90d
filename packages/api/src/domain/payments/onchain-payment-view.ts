import type { TOnchainPayment } from '@sge/shared';
import type { Selectable } from 'kysely';
import { type Address, encodeFunctionData, erc20Abi, getAddress } from 'viem';
import type { OnchainPaymentRequestsTable } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';

export type TOnchainPaymentRow = Selectable<OnchainPaymentRequestsTable>;

/**
 * Key formats (written down once, here): the COMMERCE_PAYMENT intent of a direct on-chain payment is
 * `onchain-payment:<programId>:<requestId>`; its settlement's provider_ref is `onchain:<chainId>:<txHash>:<logIndex>`
 * and carries the tx hash, block and log index of the Transfer; `onchain_payments` keys that Transfer by
 * (chain id, tx hash, log index).
 */
export function onchainPaymentKey(programId: string, requestId: string): string {
  return `onchain-payment:${programId}:${requestId}`;
}

/** The request as the API answers it, with the transaction the wallet sends and, once paid, what paid it. */
export async function onchainPaymentView(db: TDbExecutor, row: TOnchainPaymentRow): Promise<TOnchainPayment> {
  const paid = await db
    .selectFrom('onchain_payments')
    .select(['tx_hash', 'log_index', 'source'])
    .where('request_id', '=', row.id)
    .executeTakeFirst();
  return {
    id: row.id,
    programId: row.program_id,
    wallet: getAddress(row.wallet),
    chainId: Number(row.chain_id),
    token: row.token,
    tokenAddress: getAddress(row.token_address),
    treasury: getAddress(row.treasury),
    amount: row.amount.toString(),
    status: row.status === 'PENDING' && row.expires_at.getTime() < Date.now() ? 'EXPIRED' : row.status,
    expiresAt: row.expires_at.toISOString(),
    transaction: {
      to: getAddress(row.token_address),
      data: encodeFunctionData({
        abi: erc20Abi,
        functionName: 'transfer',
        args: [row.treasury as Address, row.amount],
      }),
      value: '0',
    },
    paidBy: paid ? { txHash: paid.tx_hash, logIndex: paid.log_index, source: paid.source } : null,
  };
}
