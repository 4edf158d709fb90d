import type { TAffiliateProfile } from '@sge/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createSiweMessage } from 'viem/siwe';
import {
  readAffiliateSession,
  type TStoredAffiliateSession,
  writeAffiliateSession,
} from '../api/affiliate-client';
import { ApiError, apiErrorCode, describeApiError } from '../api/api-error';
import { affiliateClient } from '../api/money-clients';
import { CommissionsTable } from '../components/affiliate/commissions-table';
import { DownlineTree } from '../components/affiliate/downline-tree';
import { PayoutsTable } from '../components/affiliate/payouts-table';
import { ReferralLinkCard } from '../components/affiliate/referral-link';
import { RegisterAffiliateForm } from '../components/affiliate/register-affiliate-form';
import { StatsChart } from '../components/affiliate/stats-chart';
import { ApiErrorAlert } from '../components/api-error-alert';
import { WalletPanel } from '../components/wallet-panel';
import { AFFILIATE_REFRESH_INTERVAL_MS, SIWE_MESSAGE_VALIDITY_MS } from '../limits';
import { useWallet } from '../wallet/wallet-context';
import { toWalletError } from '../wallet/wallet-error';
import '../components/affiliate/money-pages.css';

/**
 * /affiliate: Sign-In with Ethereum with the connected wallet (the dev wallet in Mock mode), registration as
 * an affiliate when the wallet is not one yet, then the referral link, stats chart, commissions, payouts
 * and downline, refreshed every AFFILIATE_REFRESH_INTERVAL_MS.
 */
export function AffiliatePage() {
  const [session, setSession] = useState<TStoredAffiliateSession | null>(() => readAffiliateSession());
  const queryClient = useQueryClient();

  const signOut = () => {
    if (session !== null) affiliateClient.logout(session.token).catch(() => {});
    writeAffiliateSession(null);
    setSession(null);
    queryClient.removeQueries({ queryKey: ['affiliate'] });
  };

  return (
    <>
      <title>Affiliate · SGE</title>
      <h1>Affiliate</h1>
      <p className="lead">Your referral link, your commissions and your payouts.</p>
      {session === null ? (
        <SignIn
          onSignedIn={(signedIn, profile) => {
            writeAffiliateSession(signedIn);
            if (profile !== null) queryClient.setQueryData(['affiliate', signedIn.token, 'me'], profile);
            setSession(signedIn);
          }}
        />
      ) : (
        <SignedIn session={session} onSignOut={signOut} />
      )}
    </>
  );
}

function SignIn({
  onSignedIn,
}: {
  onSignedIn: (session: TStoredAffiliateSession, profile: TAffiliateProfile | null) => void;
}) {
  const { state } = useWallet();
  const [error, setError] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);

  const signIn = async () => {
    if (state.status !== 'connected') return;
    setSigning(true);
    setError(null);
    try {
      const nonce = await affiliateClient.nonce(undefined);
      const issuedAt = new Date();
      const message = createSiweMessage({
        address: state.address,
        chainId: nonce.chainId,
        domain: window.location.host,
        uri: window.location.origin,
        version: '1',
        nonce: nonce.nonce,
        issuedAt,
        expirationTime: new Date(issuedAt.getTime() + SIWE_MESSAGE_VALIDITY_MS),
        statement: 'Sign in to the SGE affiliate dashboard.',
      });
      const signature = await state.wallet.signMessage(message);
      const verified = await affiliateClient.verify({ message, signature });
      onSignedIn(
        {
          token: verified.token,
          wallet: verified.wallet,
          programId: verified.programId,
          expiresAt: verified.expiresAt,
        },
        verified.affiliate,
      );
    } catch (cause) {
      setError(cause instanceof ApiError ? describeApiError(cause).detail : toWalletError(cause).message);
    } finally {
      setSigning(false);
    }
  };

  return (
    <div className="register-grid">
      <WalletPanel />
      <section className="card" aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading" className="card__title">
          Sign in
        </h2>
        <p>Sign a message with your wallet to prove it is yours (Sign-In with Ethereum). It costs nothing.</p>
        {state.status === 'wrong-network' && <p>Switch your wallet to the platform's network first.</p>}
        {error !== null && (
          <p className="field__error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button
          type="button"
          className="button button--primary"
          onClick={signIn}
          disabled={state.status !== 'connected' || signing}
        >
          {signing ? 'Signing…' : 'Sign in with your wallet'}
        </button>
      </section>
    </div>
  );
}

function SignedIn({ session, onSignOut }: { session: TStoredAffiliateSession; onSignOut: () => void }) {
  const { state } = useWallet();
  const queryClient = useQueryClient();
  const { token } = session;
  const refetchInterval = AFFILIATE_REFRESH_INTERVAL_MS;
  const me = useQuery({
    queryKey: ['affiliate', token, 'me'],
    queryFn: ({ signal }) => affiliateClient.me(token, { signal }),
    refetchInterval,
    retry: false,
  });
  const code = apiErrorCode(me.error);
  const registered = me.data !== undefined;
  const enabled = registered;
  const stats = useQuery({
    queryKey: ['affiliate', token, 'stats'],
    queryFn: ({ signal }) => affiliateClient.stats(token, {}, { signal }),
    enabled,
    refetchInterval,
  });
  const commissions = useQuery({
    queryKey: ['affiliate', token, 'commissions'],
    queryFn: ({ signal }) => affiliateClient.commissions(token, { signal }),
    enabled,
    refetchInterval,
  });
  const payouts = useQuery({
    queryKey: ['affiliate', token, 'payouts'],
    queryFn: ({ signal }) => affiliateClient.payouts(token, { signal }),
    enabled,
    refetchInterval,
  });
  const downline = useQuery({
    queryKey: ['affiliate', token, 'downline'],
    queryFn: ({ signal }) => affiliateClient.downline(token, { signal }),
    enabled,
    refetchInterval,
  });

  // An expired or signed-out session: back to the sign-in card.
  if (code === 'UNAUTHORIZED') {
    return (
      <div className="notice notice--warning" role="alert">
        <p className="notice__title">Your session has ended</p>
        <p>
          <button type="button" className="button" onClick={onSignOut}>
            Sign in again
          </button>
        </p>
      </div>
    );
  }

  return (
    <>
      <p className="page-header">
        Signed in as{' '}
        <code className="mono break" data-testid="signed-in-wallet">
          {session.wallet}
        </code>{' '}
        <button type="button" className="button button--small" onClick={onSignOut}>
          Sign out
        </button>
      </p>
      {code === 'NOT_FOUND' ? (
        <div className="register-grid">
          <WalletPanel />
          <RegisterAffiliateForm
            wallet={
              state.status === 'connected' && state.address.toLowerCase() === session.wallet.toLowerCase()
                ? state.wallet
                : null
            }
            programId={session.programId}
            onRegistered={(profile) => queryClient.setQueryData(['affiliate', token, 'me'], profile)}
          />
        </div>
      ) : me.error ? (
        <ApiErrorAlert error={me.error} lastGoodAtMs={null} retryNote="Retrying shortly." />
      ) : me.data === undefined ? (
        <p role="status">Loading your affiliate profile…</p>
      ) : (
        <div className="affiliate-grid" data-testid="affiliate-dashboard">
          <ReferralLinkCard profile={me.data} />
          <section className="card" aria-labelledby="stats-heading">
            <h2 id="stats-heading" className="card__title">
              Last 30 days
            </h2>
            {stats.data ? <StatsChart stats={stats.data} /> : <p role="status">Loading…</p>}
          </section>
          <section className="card affiliate-grid__wide" aria-labelledby="commissions-heading">
            <h2 id="commissions-heading" className="card__title">
              Commissions
            </h2>
            {commissions.data ? (
              <CommissionsTable commissions={commissions.data.items} />
            ) : (
              <p role="status">Loading…</p>
            )}
          </section>
          <section className="card affiliate-grid__wide" aria-labelledby="payouts-heading">
            <h2 id="payouts-heading" className="card__title">
              Payouts
            </h2>
            {payouts.data ? <PayoutsTable payouts={payouts.data.items} /> : <p role="status">Loading…</p>}
          </section>
          <section className="card affiliate-grid__wide" aria-labelledby="downline-heading">
            <h2 id="downline-heading" className="card__title">
              Downline
            </h2>
            {downline.data ? (
              <DownlineTree downline={downline.data} code={me.data.code} />
            ) : (
              <p role="status">Loading…</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
