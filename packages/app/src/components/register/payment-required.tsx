import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/api';
import { apiErrorCode, describeApiError } from '../../api/api-error';
import { createCharge } from '../../api/commerce';
import { parseReferral, referralToSend } from '../../registration/referral';
import { rememberCheckout } from '../../registration/use-checkout-return';
import { OnchainPayment } from './onchain-payment';

/** The page the checkout sends the user back to: this one, without a previous checkout's parameters. */
function returnUrl(): string {
  const url = new URL(window.location.href);
  url.searchParams.delete('checkout');
  url.searchParams.delete('checkout_status');
  return url.toString();
}

/**
 * Shown when the program wants a payment before it registers this wallet (402 PAYMENT_REQUIRED, or the
 * wallet check saying so). "Pay" creates a Coinbase Commerce charge (POST /api/commerce/charge, with the
 * page's `?ref=` so that the referrer is credited even though the user pays before registering) and opens
 * its hosted checkout — Commerce's page in Real mode, the API's simulated checkout in Mock mode. The
 * checkout returns to this page, which confirms the payment and registers (see useCheckoutReturn).
 */
export function PaymentRequired({
  wallet,
  title,
  onPaid,
}: {
  wallet: string;
  title: string;
  onPaid?: () => void;
}) {
  const [searchParams] = useSearchParams();
  // Which way the program takes payments (issue 19): a checkout, or the wallet paying directly on-chain.
  const status = useQuery({
    queryKey: ['payment-provider', wallet.toLowerCase()],
    queryFn: ({ signal }) => api.getWalletStatus(wallet, { signal }),
  });
  const onchain = status.data?.payment.provider === 'onchain';
  const [state, setState] = useState<
    { status: 'idle' } | { status: 'creating' } | { status: 'failed'; error: unknown }
  >({ status: 'idle' });

  const pay = async () => {
    setState({ status: 'creating' });
    try {
      const ref = referralToSend(parseReferral(searchParams));
      const charge = await createCharge({
        wallet,
        returnUrl: returnUrl(),
        ...(ref === undefined ? {} : { ref }),
      });
      rememberCheckout(charge.code);
      window.location.assign(charge.hostedUrl);
    } catch (error) {
      setState({ status: 'failed', error });
    }
  };

  return (
    <div className="notice notice--warning" role="alert" data-testid="payment-required">
      <p className="notice__title">{title}</p>
      <p>This program asks for a payment before it issues an SGE-ID to this wallet.</p>
      {onchain && (
        <OnchainPayment
          wallet={wallet}
          referral={referralToSend(parseReferral(searchParams))}
          onPaid={onPaid}
        />
      )}
      <div data-slot="checkout" data-wallet={wallet} hidden={onchain}>
        <p>
          <button
            type="button"
            className="button button--primary"
            onClick={() => void pay()}
            disabled={state.status === 'creating'}
            data-testid="checkout-button"
          >
            {state.status === 'creating' ? 'Opening the checkout…' : 'Pay'}
          </button>
        </p>
        <p className="notice__detail">
          You pay on Coinbase Commerce's checkout and come back here; your registration then goes through.
        </p>
        {state.status === 'failed' && (
          <p className="notice__detail" data-testid="checkout-error">
            {apiErrorCode(state.error) === 'CONFLICT'
              ? 'This wallet has already paid: register again.'
              : `Could not open the checkout: ${describeApiError(state.error).detail}`}
          </p>
        )}
      </div>
    </div>
  );
}
