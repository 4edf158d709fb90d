import { ProviderError } from '../../providers/provider-error';
import { AppError } from '../app-error';

/**
 * Runs a payment provider's API call, turning its ProviderError into AppError DEPENDENCY_UNAVAILABLE (503,
 * the provider's message, the cause kept): the one place where a provider failure becomes an API error.
 *
 * @example
 * const checkout = await providerCall(() => business.createCheckout(request, idempotencyKey));
 */
export async function providerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof ProviderError) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', cause.message, { cause });
    }
    throw cause;
  }
}
