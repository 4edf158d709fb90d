import { ZIntentStatus, ZIntentType } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../../components/admin/action-result';
import { useAdmin } from '../../components/admin/admin-context';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

const WALLET_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/** /admin/intents: users and intents, filtered by type, status and wallet; FAILED intents can be retried. */
export function IntentsPage() {
  const { programId } = useAdmin();
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const [walletInput, setWalletInput] = useState('');
  const [reason, setReason] = useState('retried from the admin page');
  const wallet = WALLET_PATTERN.test(walletInput.trim()) ? walletInput.trim() : undefined;
  const filter = { programId: programId ?? undefined, type, status, wallet };
  const intents = useQuery({
    queryKey: ['admin', 'intents', filter],
    queryFn: ({ signal }) => adminClient.intents(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const retry = useAdminAction(
    async (intentId: string) => {
      await adminClient.retryIntent(intentId, reason.trim() || 'retried from the admin page');
      return `Intent ${intentId} queued again.`;
    },
    ['admin', 'intents'],
  );

  return (
    <section aria-labelledby="intents-heading">
      <h2 id="intents-heading">{ADMIN_SCREENS.intents.label}</h2>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="intent-type" className="field__label">
            Type
          </label>
          <select
            id="intent-type"
            className="field__input"
            value={type}
            onChange={(e) => setType(e.target.value)}
          >
            <option value="">Any</option>
            {ZIntentType.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="intent-status" className="field__label">
            Status
          </label>
          <select
            id="intent-status"
            className="field__input"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            <option value="">Any</option>
            {ZIntentStatus.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="intent-wallet" className="field__label">
            Wallet
          </label>
          <input
            id="intent-wallet"
            className="field__input"
            value={walletInput}
            placeholder="0x…"
            onChange={(e) => setWalletInput(e.target.value)}
            aria-invalid={walletInput.trim() !== '' && wallet === undefined}
          />
        </div>
        <div className="field">
          <label htmlFor="retry-reason" className="field__label">
            Reason for retries
          </label>
          <input
            id="retry-reason"
            className="field__input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      <ActionResult result={latestResult([retry])} />
      {intents.error && <ApiErrorAlert error={intents.error} lastGoodAtMs={null} retryNote="" />}
      <h3>Intents</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="intents">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Type</th>
              <th scope="col">Wallet</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Reason / error</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {intents.data?.items.map((intent) => (
              <tr key={intent.id} data-testid="intent-row" data-status={intent.status}>
                <td>{intent.createdAt.slice(0, 19).replace('T', ' ')}</td>
                <td>{intent.type}</td>
                <td className="mono break">{intent.wallet ?? '—'}</td>
                <td>{intent.status}</td>
                <td>
                  {intent.attempts} / {intent.maxAttempts}
                </td>
                <td>{intent.lastError ?? intent.statusReason ?? ''}</td>
                <td>
                  {intent.status === 'FAILED' && (
                    <button
                      type="button"
                      className="button button--small"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate(intent.id)}
                    >
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <UsersTable programId={programId} wallet={wallet} />
    </section>
  );
}

/** The program's users (one wallet when the filter names one): referrer, SGE-ID, claim. */
function UsersTable({ programId, wallet }: { programId: string | null; wallet: string | undefined }) {
  const users = useQuery({
    queryKey: ['admin', 'users', programId, wallet],
    queryFn: ({ signal }) => adminClient.users({ programId: programId ?? undefined, wallet }, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  return (
    <>
      <h3>Users</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="users">
          <thead>
            <tr>
              <th scope="col">Wallet</th>
              <th scope="col">Referred by</th>
              <th scope="col">SGE-ID</th>
              <th scope="col">Claim</th>
              <th scope="col">Registered</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((user) => (
              <tr key={user.id}>
                <td className="mono break">{user.wallet}</td>
                <td className="mono">{user.referredByAffiliateId ?? '—'}</td>
                <td className="mono break">{user.tokenId ?? '—'}</td>
                <td>{user.claimStatus}</td>
                <td>{user.registeredAt?.slice(0, 10) ?? 'not minted yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
