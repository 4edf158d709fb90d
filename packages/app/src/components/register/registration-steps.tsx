import type { TProgressStep } from '../../registration/registration-progress';

const STEP_LABELS: Readonly<Record<TProgressStep, string>> = {
  accepted: 'Accepted',
  minting: 'Minting',
  minted: 'Minted',
};

const STEP_ORDER: readonly TProgressStep[] = ['accepted', 'minting', 'minted'];

/**
 * Accepted → Minting → Minted as an ordered list; the current step carries `aria-current="step"`. The
 * spoken progress comes from the page's live region, not from this list.
 */
export function RegistrationSteps({
  steps,
}: {
  steps: Readonly<Record<TProgressStep, 'done' | 'current' | 'upcoming'>>;
}) {
  return (
    <ol className="steps" data-testid="progress-steps">
      {STEP_ORDER.map((step) => (
        <li
          key={step}
          className={`steps__step steps__step--${steps[step]}`}
          aria-current={steps[step] === 'current' ? 'step' : undefined}
          data-step={step}
          data-state={steps[step]}
        >
          <span className="steps__marker" aria-hidden="true">
            {steps[step] === 'done' ? '✓' : STEP_ORDER.indexOf(step) + 1}
          </span>
          <span className="steps__label">
            {STEP_LABELS[step]}
            <span className="visually-hidden">
              {steps[step] === 'done' ? ' (done)' : steps[step] === 'current' ? ' (in progress)' : ''}
            </span>
          </span>
        </li>
      ))}
    </ol>
  );
}
