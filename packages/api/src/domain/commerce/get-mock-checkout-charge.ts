import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import type { TChargeRow } from './record-charge-status';

/**
 * The charge Mock mode's simulated checkout page shows and pays (http/routes/commerce/checkout.ts). A charge
 * created in Real mode is paid on Commerce's own page, never here: it is NOT_FOUND like an unknown code.
 *
 * @throws AppError NOT_FOUND.
 */
export async function getMockCheckoutCharge(db: TDbExecutor, code: string): Promise<TChargeRow> {
  const charge = await db
    .selectFrom('commerce_charges')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  const mock = charge?.source === 'MOCK' || charge?.source === 'MOCK_BUSINESS' ? charge : null;
  if (!mock) throw new AppError('NOT_FOUND', `charge ${code} not found`);
  return mock;
}
