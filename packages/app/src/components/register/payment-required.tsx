/**
 * Shown when the program wants a payment before it registers this wallet (402 PAYMENT_REQUIRED, or the
 * wallet check saying so). There is no checkout in the app yet, and this says so plainly.
 *
 * CHECKOUT SLOT: the Coinbase Commerce checkout (POST /api/commerce/charge, then the hosted checkout page)
 * renders its "Pay" button in the element marked `data-slot="checkout"` below, replacing the
 * "not available yet" text. It gets `wallet` for the charge.
 */
export function PaymentRequired({ wallet, title }: { wallet: string; title: string }) {
  return (
    <div className="notice notice--warning" role="alert" data-testid="payment-required">
      <p className="notice__title">{title}</p>
      <p>This program asks for a payment before it issues an SGE-ID to this wallet.</p>
      <div data-slot="checkout" data-wallet={wallet}>
        <p>
          Paying from this app is not available yet. Ask the program operator how to pay; once your payment is
          recorded, register again.
        </p>
      </div>
    </div>
  );
}
