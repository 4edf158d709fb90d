import type { TOnchainPayment } from '@sge/shared';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import { onchainPaymentView, type TOnchainPaymentRow } from './onchain-payment-view';

/** The stored request (its id is an unguessable UUID handed to the payer); NOT_FOUND outside `programScope`. */
export async function getOnchainPaymentRow(
  db: TDbExecutor,
  id: string,
  programScope: string | null,
): Promise<TOnchainPaymentRow> {
  let query = db.selectFrom('onchain_payment_requests').selectAll().where('id', '=', id);
  if (programScope) query = query.where('program_id', '=', programScope);
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `payment ${id} not found`, { details: { field: 'params.id' } });
  return row;
}

/** GET /api/payments/onchain/:id: the request, its transaction and whether (and by what) it is paid. */
export async function getOnchainPayment(db: TDbExecutor, id: string): Promise<TOnchainPayment> {
  return await onchainPaymentView(db, await getOnchainPaymentRow(db, id, null));
}
