import { useAffiliateLookup } from '../../api/use-affiliate-lookup';
import { isLookupableCode, type TReferral } from '../../registration/referral';

/**
 * Who referred the visitor, from the link's `?ref=`: "Referred by ALPHA" once the API has confirmed the
 * code (in the affiliate's own spelling), a note when the code is unknown or inactive (registration still
 * works, without a referrer), and a note when the link's referral is malformed and therefore not sent.
 */
export function ReferralNotice({ referral }: { referral: TReferral }) {
  const code = referral.kind === 'code' && isLookupableCode(referral.ref) ? referral.ref : null;
  const lookup = useAffiliateLookup(code);

  if (referral.kind === 'none') return null;
  if (referral.kind === 'malformed') {
    return (
      <p className="notice notice--warning" data-testid="referral">
        The referral in this link (<code className="break">{referral.raw}</code>) is not a valid affiliate
        code, so it is ignored.
      </p>
    );
  }
  if (referral.kind === 'wallet') {
    return (
      <p className="referral" data-testid="referral">
        Referred by <code className="break">{referral.ref}</code>
      </p>
    );
  }
  if (code !== null && lookup.data?.status === 'found' && lookup.data.lookup.active) {
    return (
      <p className="referral" data-testid="referral">
        Referred by <strong data-testid="referral-code">{lookup.data.lookup.code}</strong>
      </p>
    );
  }
  if (code !== null && lookup.data !== undefined) {
    return (
      <p className="notice notice--warning" data-testid="referral">
        The referral code <strong>{referral.ref}</strong> is not{' '}
        {lookup.data.status === 'found' ? 'active' : 'known'}. You can still register; the registration will
        have no referrer.
      </p>
    );
  }
  if (code !== null && lookup.isPending) {
    return (
      <p className="referral muted" data-testid="referral">
        Checking referral code {referral.ref}…
      </p>
    );
  }
  // The lookup failed, or the code is too long to look up: the API decides when it receives the registration.
  return (
    <p className="referral" data-testid="referral">
      Referred by <strong>{referral.ref}</strong>{' '}
      <span className="muted">(the code could not be checked; the platform checks it when you register)</span>
    </p>
  );
}
