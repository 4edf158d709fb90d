import type { TOnchainPayment } from '@sge/shared';
import type { Hex } from 'viem';
import { AppError } from '../app-error';
import type { TClaimEnvironment } from '../claims/claim-context';
import { getOnchainPaymentRow } from './get-onchain-payment';
import { onchainPaymentView } from './onchain-payment-view';
import { findPaymentTransfer, recordOnchainPayment } from './record-onchain-payment';

/**
 * POST /api/payments/onchain/:id/record {txHash}: the page reports the transaction its wallet sent. The
 * platform trusts nothing from it: the Transfer is read from the chain (findPaymentTransfer) and recorded
 * exactly once (recordOnchainPayment; the chain watcher may have been first: `created: false`). A request
 * already paid by this transaction answers what was recorded.
 *
 * @throws AppError NOT_FOUND, PAYMENT_EXPIRED, PAYMENT_TX_*, PAYMENT_WRONG_TOKEN, PAYMENT_WRONG_RECIPIENT,
 *   PAYMENT_UNDERPAID, CONFLICT (paid by another transaction).
 */
export async function reportOnchainPayment(
  env: TClaimEnvironment,
  input: { id: string; txHash: Hex; programScope?: string | null },
): Promise<{ created: boolean; payment: TOnchainPayment }> {
  const request = await getOnchainPaymentRow(env.db, input.id, input.programScope ?? null);
  if (request.status === 'PAID') {
    const view = await onchainPaymentView(env.db, request);
    if (view.paidBy?.txHash === input.txHash.toLowerCase()) return { created: false, payment: view };
    throw new AppError('CONFLICT', `payment ${request.id} was paid by transaction ${view.paidBy?.txHash}`);
  }
  if (request.status === 'EXPIRED') {
    throw new AppError('PAYMENT_EXPIRED', `payment ${request.id} expired; ask for a new one`);
  }
  const transfer = await findPaymentTransfer(env, request, input.txHash);
  return await recordOnchainPayment(env, request.id, transfer, 'page');
}
