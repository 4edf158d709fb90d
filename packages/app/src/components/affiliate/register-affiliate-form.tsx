import { affiliateTermsMessage, type TAffiliateProfile, ZAffiliateCode } from '@sge/shared';
import { type FormEvent, useId, useState } from 'react';
import { getAddress } from 'viem/utils';
import { ApiError, describeApiError } from '../../api/api-error';
import { affiliateClient } from '../../api/money-clients';
import { useChainSettings } from '../../api/use-chain-settings';
import { toWalletError } from '../../wallet/wallet-error';
import type { TWallet } from '../../wallet/wallet-session';

/**
 * Registration as an affiliate: a code of one's own and an optional parent code. The wallet signs the
 * affiliate terms (affiliateTermsMessage), which the API verifies before creating the affiliate.
 */
export function RegisterAffiliateForm({
  wallet,
  programId,
  onRegistered,
}: {
  wallet: TWallet | null;
  programId: string;
  onRegistered: (profile: TAffiliateProfile) => void;
}) {
  const [code, setCode] = useState('');
  const [parentCode, setParentCode] = useState('');
  const [error, setError] = useState<{ field: 'code' | 'parentCode' | null; text: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const chainId = useChainSettings().data?.chainId ?? null;
  const codeId = useId();
  const parentId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const codeParsed = ZAffiliateCode.safeParse(code);
    if (!codeParsed.success) {
      setError({ field: 'code', text: 'Your code: 3-32 letters, digits, _ or -.' });
      return;
    }
    const parent = parentCode.trim() === '' ? null : ZAffiliateCode.safeParse(parentCode);
    if (parent !== null && !parent.success) {
      setError({ field: 'parentCode', text: 'The parent code: 3-32 letters, digits, _ or -.' });
      return;
    }
    if (wallet === null) {
      setError({ field: null, text: 'Connect your wallet first: it signs the affiliate terms.' });
      return;
    }
    if (chainId === null) {
      setError({ field: null, text: 'The platform’s chain is not known yet; try again in a moment.' });
      return;
    }
    setSubmitting(true);
    try {
      const body = {
        programId,
        wallet: getAddress(wallet.address),
        code: codeParsed.data,
        ...(parent === null ? {} : { parentCode: parent.data }),
      };
      // Bound to this chain and this deployment (the API checks both), so it cannot be replayed elsewhere.
      const message = affiliateTermsMessage({
        ...body,
        parentCode: parent?.data ?? null,
        chainId,
        domain: window.location.host,
      });
      const signature = await wallet.signMessage(message);
      onRegistered(await affiliateClient.register({ ...body, signature }));
    } catch (cause) {
      const text = cause instanceof ApiError ? describeApiError(cause).detail : toWalletError(cause).message;
      setError({ field: null, text });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="become-affiliate-heading">
      <h2 id="become-affiliate-heading" className="card__title">
        Become an affiliate
      </h2>
      <p>Choose your referral code. Users who register with your link earn you commissions.</p>
      <form noValidate onSubmit={submit} data-testid="register-affiliate-form">
        <div className="field">
          <label htmlFor={codeId} className="field__label">
            Your referral code
          </label>
          <input
            id={codeId}
            className="field__input"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="off"
            aria-invalid={error?.field === 'code'}
          />
        </div>
        <div className="field">
          <label htmlFor={parentId} className="field__label">
            Parent code (optional)
          </label>
          <p className="field__hint">The code of the affiliate who invited you, if any.</p>
          <input
            id={parentId}
            className="field__input"
            value={parentCode}
            onChange={(event) => setParentCode(event.target.value)}
            autoComplete="off"
            aria-invalid={error?.field === 'parentCode'}
          />
        </div>
        {error !== null && (
          <p className="field__error" role="alert" data-testid="register-affiliate-error">
            {error.text}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? 'Signing…' : 'Sign the terms and register'}
        </button>
      </form>
    </section>
  );
}
