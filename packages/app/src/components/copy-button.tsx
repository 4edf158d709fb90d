import { useEffect, useState } from 'react';
import { COPY_CONFIRMATION_MS } from '../limits';

type TCopyState = { status: 'idle' } | { status: 'copied' } | { status: 'failed' };

/**
 * Copies `value` to the clipboard. Rendered only where the Clipboard API exists (secure contexts), so the
 * button never appears without working. The result is announced to screen readers.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<TCopyState>({ status: 'idle' });

  useEffect(() => {
    if (state.status === 'idle') return;
    const timer = setTimeout(() => setState({ status: 'idle' }), COPY_CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [state]);

  if (typeof navigator === 'undefined' || navigator.clipboard === undefined) return null;

  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => setState({ status: 'copied' }),
      () => setState({ status: 'failed' }),
    );
  };

  return (
    <span className="copy">
      <button type="button" className="button button--small" onClick={copy} aria-label={label}>
        Copy
      </button>
      <span className="copy__feedback" role="status">
        {state.status === 'copied' ? 'Copied' : state.status === 'failed' ? 'Copy failed' : ''}
      </span>
    </span>
  );
}
