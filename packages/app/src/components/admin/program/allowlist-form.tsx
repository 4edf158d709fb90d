import { type FormEvent, useState } from 'react';
import { adminClient } from '../../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../action-result';

/** Replaces the program's allowlist (the gate "Allowlist only"): one wallet per line, or pasted CSV. */
export function AllowlistForm({ programId }: { programId: string }) {
  const [text, setText] = useState('');
  const upload = useAdminAction(async (wallets: string[]) => {
    const { count } = await adminClient.replaceAllowlist(programId, wallets);
    return `Allowlist replaced: ${count} wallet(s).`;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    upload.mutate(
      text
        .split(/[\s,;]+/)
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    );
  };
  return (
    <form className="card" noValidate onSubmit={submit} aria-labelledby="allowlist-heading">
      <h3 id="allowlist-heading" className="card__title">
        Allowlist
      </h3>
      <ActionResult result={latestResult([upload])} />
      <div className="field">
        <label htmlFor="allowlist-wallets" className="field__label">
          Wallets (one per line; replaces the whole list)
        </label>
        <textarea
          id="allowlist-wallets"
          className="field__input mono"
          rows={4}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={upload.isPending}>
        {upload.isPending ? 'Uploading…' : 'Replace allowlist'}
      </button>
    </form>
  );
}
