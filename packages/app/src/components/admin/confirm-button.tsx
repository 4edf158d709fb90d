import { useState } from 'react';

/**
 * A button for an action that moves money or cannot be undone: the first click asks "… ?" with a confirm and
 * a back button beside it; only the confirm runs `onConfirm`. Disabled (with `pendingLabel`) while it runs.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  pending,
  pendingLabel,
  disabled = false,
}: {
  label: string;
  /** What will happen, as a question ("Pay 5.00 USDC to 1 affiliate on-chain?"). */
  question: string;
  onConfirm: () => void;
  pending: boolean;
  pendingLabel: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (pending) {
    return (
      <button type="button" className="button button--small" disabled>
        {pendingLabel}
      </button>
    );
  }
  if (!asking) {
    return (
      <button
        type="button"
        className="button button--small"
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset className="confirm" aria-label={label}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className="button button--small button--primary"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm {label.toLowerCase()}
      </button>{' '}
      <button type="button" className="button button--small" onClick={() => setAsking(false)}>
        Back
      </button>
    </fieldset>
  );
}
