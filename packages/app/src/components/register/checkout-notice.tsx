import { describeApiError } from '../../api/api-error';
import type { TCheckoutReturn } from '../../registration/use-checkout-return';

/** What the Register page says about the checkout the user just came back from. */
export function CheckoutNotice({ checkout }: { checkout: TCheckoutReturn }) {
  switch (checkout.status) {
    case 'none':
      return null;
    case 'checking':
      return (
        <p className="notice" role="status" data-testid="checkout-notice" data-status="checking">
          {checkout.canceled ? 'Checking the checkout you left…' : 'Confirming your payment…'}
        </p>
      );
    case 'paid':
      return (
        <p className="notice" role="status" data-testid="checkout-notice" data-status="paid">
          Payment confirmed (charge <code>{checkout.code}</code>).
        </p>
      );
    case 'unpaid':
      return (
        <p
          className="notice notice--warning"
          role="status"
          data-testid="checkout-notice"
          data-status="unpaid"
        >
          {checkout.canceled
            ? 'You left the checkout without paying.'
            : `The payment did not go through (charge ${checkout.code} is ${checkout.charge.status.toLowerCase()}).`}{' '}
          Press Pay to try again.
        </p>
      );
    case 'pending':
      return (
        <p
          className="notice notice--warning"
          role="status"
          data-testid="checkout-notice"
          data-status="pending"
        >
          Your payment (charge <code>{checkout.code}</code>) is not confirmed yet. Crypto payments can take a
          while; come back to this page later.
        </p>
      );
    case 'error':
      return (
        <p className="notice notice--warning" role="status" data-testid="checkout-notice" data-status="error">
          Could not check your payment: {describeApiError(checkout.error).summary.toLowerCase()}.
        </p>
      );
  }
}
