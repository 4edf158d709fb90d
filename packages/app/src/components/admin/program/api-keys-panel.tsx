import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { adminClient } from '../../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../action-result';
import { ConfirmButton } from '../confirm-button';

/**
 * The program's API keys (for automation: one program, no money settings): list, create (the secret is
 * shown once, here), revoke. Admin keys only; a program key sees the API's 403 here.
 */
export function ApiKeysPanel({ programId }: { programId: string }) {
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const keys = useQuery({
    queryKey: ['admin', 'api-keys', programId],
    queryFn: ({ signal }) => adminClient.apiKeys(programId, { signal }),
  });
  const create = useAdminAction(async (keyName: string) => {
    const created = await adminClient.createApiKey(programId, keyName);
    setSecret(created.key);
    setName('');
    return `Key ${created.name} created: copy it now, it is not shown again.`;
  });
  const revoke = useAdminAction(async (keyId: string) => {
    const revoked = await adminClient.revokeApiKey(keyId);
    return `Key ${revoked.name} revoked.`;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    create.mutate(name.trim());
  };
  return (
    <section className="card" aria-labelledby="api-keys-heading">
      <h3 id="api-keys-heading" className="card__title">
        API keys
      </h3>
      <ActionResult result={latestResult([create, revoke])} />
      {secret && (
        <p className="notice mono break" data-testid="new-api-key">
          {secret}
        </p>
      )}
      {keys.error && <ActionResult result={{ ok: false, error: keys.error }} />}
      <div className="table-scroll">
        <table className="data-table" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.items.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td className="mono">{key.keyPrefix}…</td>
                <td>
                  {key.createdAt.slice(0, 10)} by {key.createdBy}
                </td>
                <td>
                  {key.revokedAt ? (
                    `revoked ${key.revokedAt.slice(0, 10)} by ${key.revokedBy}`
                  ) : (
                    <ConfirmButton
                      label={`Revoke ${key.name}`}
                      question={`Revoke ${key.name}? Automation using it stops at once.`}
                      pending={revoke.isPending && revoke.variables === key.id}
                      pendingLabel="Revoking…"
                      disabled={revoke.isPending}
                      onConfirm={() => revoke.mutate(key.id)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="admin-filters" noValidate onSubmit={submit}>
        <div className="field">
          <label htmlFor="api-key-name" className="field__label">
            New key name
          </label>
          <input
            id="api-key-name"
            className="field__input"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create API key'}
        </button>
      </form>
    </section>
  );
}
