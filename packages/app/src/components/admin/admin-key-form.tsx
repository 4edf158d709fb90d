import { type FormEvent, useId, useState } from 'react';
import { writeAdminKey } from '../../api/admin-client';
import { ApiError, apiErrorCode, describeApiError } from '../../api/api-error';
import { adminClient } from '../../api/money-clients';

/**
 * Sign-in with an admin key (a named admin key or a program-scoped key). The key is checked by listing
 * programs with it, then kept in sessionStorage for this tab only.
 */
export function AdminKeyForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const inputId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === '') {
      setError('Enter your admin key.');
      return;
    }
    setChecking(true);
    setError(null);
    writeAdminKey(trimmed);
    try {
      await adminClient.programs();
      onSignedIn();
    } catch (cause) {
      writeAdminKey(null);
      setError(
        apiErrorCode(cause) === 'UNAUTHORIZED'
          ? 'This key is not valid.'
          : cause instanceof ApiError
            ? describeApiError(cause).detail
            : String(cause),
      );
    } finally {
      setChecking(false);
    }
  };

  return (
    <section className="card" aria-labelledby="admin-sign-in-heading">
      <h2 id="admin-sign-in-heading" className="card__title">
        Sign in
      </h2>
      <form noValidate onSubmit={submit}>
        <div className="field">
          <label htmlFor={inputId} className="field__label">
            Admin key
          </label>
          <p className="field__hint">
            A named admin key (ADMIN_API_KEYS) or a program key. It is kept for this tab only.
          </p>
          <input
            id={inputId}
            type="password"
            className="field__input"
            value={key}
            autoComplete="off"
            onChange={(event) => setKey(event.target.value)}
            aria-invalid={error !== null}
          />
        </div>
        {error !== null && (
          <p className="field__error" role="alert" data-testid="admin-sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
