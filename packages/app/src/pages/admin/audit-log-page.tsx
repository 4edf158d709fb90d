import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from '../../components/admin/admin-context';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';

/** /admin/audit: who did what, with before and after, newest first; filtered by actor and action. */
export function AuditLogPage() {
  const { programId } = useAdmin();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const filter = {
    programId: programId ?? undefined,
    actor: actor.trim() === '' ? undefined : actor.trim(),
    action: action.trim() === '' ? undefined : action.trim(),
  };
  const entries = useQuery({
    queryKey: ['admin', 'audit', filter],
    queryFn: ({ signal }) => adminClient.auditLog(filter, { signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="audit-actor" className="field__label">
            Actor
          </label>
          <input
            id="audit-actor"
            className="field__input"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-action" className="field__label">
            Action
          </label>
          <input
            id="audit-action"
            className="field__input"
            value={action}
            placeholder="payout_batch.approve"
            onChange={(e) => setAction(e.target.value)}
          />
        </div>
      </div>
      {entries.error && <ApiErrorAlert error={entries.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="audit-log">
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.items.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                <td>{entry.at.slice(0, 19).replace('T', ' ')}</td>
                <td>{entry.actor}</td>
                <td>{entry.action}</td>
                <td className="mono break">
                  {entry.subjectType ?? ''} {entry.subjectId ?? ''}
                </td>
                <td>
                  <details>
                    <summary>before / after</summary>
                    <pre className="mono break">
                      {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
                    </pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
