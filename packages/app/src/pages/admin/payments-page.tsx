import {
  type TManualPaymentRequest,
  ZManualPaymentCurrency,
  ZManualPaymentReference,
  ZWalletInput,
} from '@sge/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { errorText } from '../../components/admin/action-result';
import { useAdmin } from '../../components/admin/admin-context';
import { formatMicroUsd, parseMicroUsd } from '../../components/affiliate/money';

type TField = 'wallet' | 'amount' | 'reference' | 'note';

/**
 * /admin/payments: manual payment entry. Records an off-chain payment (a bank transfer, an invoice paid
 * elsewhere) for a wallet: a revenue settlement with commissions up the wallet's referral tree, counted as
 * paid by the payment gate. Sending the same reference again records nothing new.
 */
export function PaymentsPage() {
  const { programId } = useAdmin();
  const [wallet, setWallet] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<'USD' | 'USDC' | 'USDT'>('USD');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Partial<Record<TField, string>>>({});
  const queryClient = useQueryClient();
  const record = useMutation({
    mutationFn: (body: TManualPaymentRequest) => adminClient.recordPayment(body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
  const recorded = record.data ?? null;
  const failure = record.error === null ? null : errorText(record.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.reset();
    const next: Partial<Record<TField, string>> = {};
    if (!ZWalletInput.safeParse(wallet).success) next.wallet = 'A 0x-prefixed 20-byte hex address.';
    const micro = parseMicroUsd(amount);
    if (micro === null) next.amount = 'A positive amount with at most 6 decimals, e.g. 125.50.';
    if (!ZManualPaymentReference.safeParse(reference).success) {
      next.reference = 'Your reference: letters, digits and _ . : # / - (up to 100).';
    }
    if (note.trim() === '') next.note = 'Say what the payment is.';
    setErrors(next);
    if (Object.keys(next).length > 0 || micro === null) return;
    record.mutate({
      ...(programId === null ? {} : { programId }),
      wallet: wallet.trim(),
      amount: micro,
      currency,
      reference: reference.trim(),
      note: note.trim(),
    });
  };

  const field = (name: TField, label: string, value: string, set: (value: string) => void, hint?: string) => (
    <div className="field">
      <label htmlFor={`payment-${name}`} className="field__label">
        {label}
      </label>
      {hint !== undefined && <p className="field__hint">{hint}</p>}
      <input
        id={`payment-${name}`}
        className="field__input"
        value={value}
        autoComplete="off"
        onChange={(event) => set(event.target.value)}
        aria-invalid={errors[name] !== undefined}
        aria-describedby={errors[name] === undefined ? undefined : `payment-${name}-error`}
      />
      {errors[name] !== undefined && (
        <p id={`payment-${name}-error`} className="field__error">
          {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <section aria-labelledby="payments-heading">
      <h2 id="payments-heading">Manual payment</h2>
      <p>
        Records a payment received outside the platform for a wallet
        {programId === null ? ' in the default program (choose a program above for another)' : ''}.
        Commissions go to the wallet's referrers as for any other payment.
      </p>
      <form className="card" noValidate onSubmit={submit} data-testid="manual-payment-form">
        {field('wallet', 'Wallet', wallet, setWallet)}
        {field('amount', 'Amount', amount, setAmount, 'In whole units, up to 6 decimals.')}
        <div className="field">
          <label htmlFor="payment-currency" className="field__label">
            Currency
          </label>
          <select
            id="payment-currency"
            className="field__input"
            value={currency}
            onChange={(event) => setCurrency(ZManualPaymentCurrency.parse(event.target.value))}
          >
            {ZManualPaymentCurrency.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        {field(
          'reference',
          'Reference',
          reference,
          setReference,
          'Unique per payment: entering it twice records it once.',
        )}
        {field('note', 'Note', note, setNote)}
        {failure !== null && (
          <p className="notice notice--critical" role="alert" data-testid="payment-error">
            {failure}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record payment'}
        </button>
      </form>
      {recorded !== null && 'kind' in recorded && (
        <div className="notice" role="status" data-testid="payment-pending-approval">
          <p className="notice__title">Waiting for a second admin’s approval</p>
          <p>
            {formatMicroUsd(recorded.kind === 'MANUAL_PAYMENT' ? recorded.payload.amount : '0')} above the
            approval threshold: it is recorded once another admin approves change {recorded.id}.
          </p>
        </div>
      )}
      {recorded !== null && !('kind' in recorded) && (
        <div className="notice" role="status" data-testid="payment-recorded">
          <p className="notice__title">
            {recorded.created ? 'Payment recorded' : 'Already recorded (same reference): nothing changed'}
          </p>
          <p>
            {formatMicroUsd(recorded.amount)} {recorded.currency} from {recorded.wallet}, reference{' '}
            {recorded.reference}: {recorded.commissions.length} commissions.
          </p>
        </div>
      )}
    </section>
  );
}
