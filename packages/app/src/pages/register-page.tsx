import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useChainSettings } from '../api/use-chain-settings';
import { MockModeNotice } from '../components/mock-mode-notice';
import { CheckoutNotice } from '../components/register/checkout-notice';
import { PaymentRequired } from '../components/register/payment-required';
import { ReferralNotice } from '../components/register/referral-notice';
import { RegistrationOutcome } from '../components/register/registration-outcome';
import { WalletPanel } from '../components/wallet-panel';
import { useNow } from '../lib/use-now';
import { RELATIVE_TIME_TICK_MS } from '../limits';
import { parseReferral, referralToSend } from '../registration/referral';
import { describeRegisterError, formatWait, type TRegisterProblem } from '../registration/register-errors';
import type { TRegistrationState } from '../registration/registration-progress';
import { useCheckoutReturn } from '../registration/use-checkout-return';
import { useRegistration } from '../registration/use-registration';
import { parseAddressInput, type TAddressInput } from '../registration/wallet-address';
import { connectedAddress, useWallet } from '../wallet/wallet-context';

const INPUT_ID = 'wallet-address';
const HELP_ID = 'wallet-address-help';
const MESSAGE_ID = 'wallet-address-message';

/** What the address field says under the input, and whether it is an error. */
function fieldMessage(input: TAddressInput, insist: boolean): { text: string; error: boolean } | null {
  switch (input.status) {
    case 'empty':
      return insist ? { text: 'Enter a wallet address, or connect a wallet above.', error: true } : null;
    case 'incomplete':
      return insist
        ? { text: `The address is not complete: ${input.message}`, error: true }
        : { text: input.message, error: false };
    case 'invalid':
      return { text: input.message, error: true };
    case 'valid':
      return null;
  }
}

/** The wallet of the charge the page came back from, once the charge is known; else null. */
function walletOfCheckout(checkout: ReturnType<typeof useCheckoutReturn>): string | null {
  if ((checkout.status === 'checking' || checkout.status === 'pending') && checkout.charge !== null) {
    return checkout.charge.wallet;
  }
  return checkout.status === 'paid' || checkout.status === 'unpaid' ? checkout.charge.wallet : null;
}

/**
 * `/` (SPEC §7): register a wallet for its SGE-ID. The address comes from the connected wallet or is typed;
 * `?ref=CODE` attributes the registration to an affiliate. A wallet that is already registered shows its
 * SGE-ID at once; otherwise Register sends POST /api/register and the page follows the mint
 * (Accepted → Minting → Minted) until the token id is known.
 */
export function RegisterPage() {
  const [searchParams] = useSearchParams();
  const referral = useMemo(() => parseReferral(searchParams), [searchParams]);
  const settings = useChainSettings();
  const { state: walletState } = useWallet();
  const walletAddress = connectedAddress(walletState);

  const [input, setInput] = useState('');
  // The field follows the connected wallet until the user types an address of their own.
  const [followWallet, setFollowWallet] = useState(true);
  // After a submit without a complete address, an incomplete one is an error, not a hint.
  const [insist, setInsist] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (followWallet && walletAddress !== null) setInput(walletAddress);
  }, [followWallet, walletAddress]);

  const parsed = parseAddressInput(input);
  const wallet = parsed.status === 'valid' ? parsed.address : null;
  const { state, submit, resume } = useRegistration({
    wallet,
    ref: referralToSend(referral),
    signer: walletState.status === 'connected' ? walletState.wallet : null,
  });
  const message = fieldMessage(parsed, insist);
  // One clock for the page, so that every countdown on it shows the same second.
  const nowMs = useNow(RELATIVE_TIME_TICK_MS);

  // Back from the checkout: the form takes the charge's wallet, and once the payment is confirmed the page
  // registers it (once per charge) without another click.
  const checkout = useCheckoutReturn();
  const checkoutWallet = walletOfCheckout(checkout);
  useEffect(() => {
    if (checkoutWallet === null) return;
    setInput(checkoutWallet);
    setFollowWallet(false);
  }, [checkoutWallet]);
  const registeredForCharge = useRef<string | null>(null);
  const signerAddress = walletState.status === 'connected' ? walletState.wallet.address : null;
  useEffect(() => {
    if (checkout.status !== 'paid' || wallet?.toLowerCase() !== checkout.charge.wallet.toLowerCase()) return;
    if (registeredForCharge.current === checkout.code) return;
    if (state.status !== 'ready' && state.status !== 'rejected') return;
    // The wallet reconnects after the page loads (the wallet layer loads after the first render): wait for it,
    // so that the registration carries its signature (proof of wallet) instead of being refused unsigned.
    if (signerAddress?.toLowerCase() !== checkout.charge.wallet.toLowerCase()) return;
    registeredForCharge.current = checkout.code;
    submit();
  }, [checkout, wallet, signerAddress, state.status, submit]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (wallet === null) {
      setInsist(true);
      inputRef.current?.focus();
      return;
    }
    submit();
  };

  return (
    <>
      <title>Register · SGE</title>
      <h1>Get your SGE-ID</h1>
      <p className="lead">
        Your SGE-ID is your identity token in the program. You pay no gas: the platform mints it to your
        wallet.
      </p>

      {settings.data?.mode === 'MOCK' && <MockModeNotice />}
      <ReferralNotice referral={referral} />
      <CheckoutNotice checkout={checkout} />

      <div className="register-grid">
        <WalletPanel />

        <section className="card register-card" aria-labelledby="register-heading">
          <h2 id="register-heading" className="card__title">
            Register
          </h2>
          <form noValidate onSubmit={onSubmit} data-testid="register-form">
            <div className="field">
              <label htmlFor={INPUT_ID} className="field__label">
                Wallet address
              </label>
              <p id={HELP_ID} className="field__hint">
                The wallet that receives the SGE-ID: 0x and 40 hexadecimal characters, in any capitalisation.
              </p>
              <input
                ref={inputRef}
                id={INPUT_ID}
                name="wallet"
                className="field__input"
                type="text"
                inputMode="text"
                autoComplete="off"
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                placeholder="0x…"
                value={input}
                onChange={(event) => {
                  setInput(event.target.value);
                  setFollowWallet(event.target.value.trim() === '');
                  setInsist(false);
                }}
                aria-invalid={message?.error === true}
                aria-describedby={message === null ? HELP_ID : `${HELP_ID} ${MESSAGE_ID}`}
              />
              {message !== null && (
                <p
                  id={MESSAGE_ID}
                  className={message.error ? 'field__error' : 'field__hint'}
                  data-testid="address-message"
                >
                  {message.text}
                </p>
              )}
              {walletAddress !== null && walletAddress !== wallet && (
                <p>
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => {
                      setInput(walletAddress);
                      setFollowWallet(true);
                      setInsist(false);
                    }}
                  >
                    Use connected wallet
                  </button>
                </p>
              )}
            </div>

            {state.status === 'ready' && <ReadyNote state={state} onPaid={submit} />}
            <SubmitButton state={state} nowMs={nowMs} />
          </form>

          <RegistrationOutcome state={state} nowMs={nowMs} onResume={resume} />
        </section>
      </div>
    </>
  );
}

/** Under the form of a wallet that is not registered yet: the payment gate, or that the check failed. */
function ReadyNote({
  state,
  onPaid,
}: {
  state: Extract<TRegistrationState, { status: 'ready' }>;
  onPaid: () => void;
}) {
  if (state.paymentRequired)
    return <PaymentRequired wallet={state.wallet} title="A payment is required first" onPaid={onPaid} />;
  if (state.checkError !== null) {
    return (
      <p className="form-note" data-testid="check-error">
        Could not check whether this wallet is already registered (
        {describeApiError(state.checkError).summary.toLowerCase()}). You can still register.
      </p>
    );
  }
  return (
    <p className="form-note" data-testid="not-registered">
      This wallet has no SGE-ID yet.
    </p>
  );
}

/** The Register button, for the states in which registering makes sense; disabled while a 429 wait runs. */
function SubmitButton({ state, nowMs }: { state: TRegistrationState; nowMs: number }) {
  const problem: TRegisterProblem | null =
    state.status === 'rejected' ? describeRegisterError(state.error, state.atMs) : null;
  const retryAtMs = problem?.kind === 'rate-limited' ? problem.retryAtMs : null;

  const shown =
    state.status === 'no-wallet' ||
    state.status === 'checking' ||
    state.status === 'ready' ||
    state.status === 'rejected' ||
    state.status === 'submitting';
  if (!shown) return null;
  const submitting = state.status === 'submitting';
  const waitMs = retryAtMs === null ? 0 : retryAtMs - nowMs;
  return (
    <p className="register-card__submit">
      <button
        type="submit"
        className={waitMs > 0 ? 'button button--primary button--waiting' : 'button button--primary'}
        disabled={submitting || waitMs > 0}
        data-testid="register-button"
      >
        {submitting
          ? 'Registering…'
          : waitMs > 0
            ? `Try again in ${formatWait(waitMs)}`
            : state.status === 'rejected'
              ? 'Try again'
              : 'Register'}
      </button>
    </p>
  );
}
