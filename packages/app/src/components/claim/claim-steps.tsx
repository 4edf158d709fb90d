import type { TClaimStep } from '../../claim/use-claim';
import { safeHttpUrl } from '../../lib/format';

const STEP_LABELS: Readonly<Record<TClaimStep['step'], string>> = {
  reset: 'Reset allowance',
  approve: 'Approve fee',
  claim: 'Claim',
};

const STATUS_TEXT: Readonly<Record<TClaimStep['status'], string>> = {
  upcoming: 'waiting',
  signing: 'confirm in your wallet',
  mining: 'waiting for the receipt',
  done: 'done',
  failed: 'failed',
};

/** The transactions of a claim in order, each with its state and transaction hash (explorer link if any). */
export function ClaimSteps({ steps, explorerUrl }: { steps: TClaimStep[]; explorerUrl: string | null }) {
  return (
    <ol className="steps" data-testid="claim-steps" aria-label="Claim transactions">
      {steps.map((step, index) => {
        const txUrl = step.txHash && explorerUrl ? safeHttpUrl(`${explorerUrl}/tx/${step.txHash}`) : null;
        const current = step.status === 'signing' || step.status === 'mining';
        return (
          <li
            key={step.step}
            className={`steps__step steps__step--${step.status === 'done' ? 'done' : current ? 'current' : 'upcoming'}`}
            aria-current={current ? 'step' : undefined}
            data-step={step.step}
            data-state={step.status}
          >
            <span className="steps__marker" aria-hidden="true">
              {step.status === 'done' ? '✓' : step.status === 'failed' ? '✗' : index + 1}
            </span>
            <span className="steps__label">
              {STEP_LABELS[step.step]}: {STATUS_TEXT[step.status]}
              <span className="visually-hidden"> — {step.description}</span>
              {step.txHash !== null &&
                (txUrl === null ? (
                  <code className="mono break" data-testid={`tx-${step.step}`}>
                    {' '}
                    {step.txHash}
                  </code>
                ) : (
                  <a href={txUrl} target="_blank" rel="noopener noreferrer" data-testid={`tx-${step.step}`}>
                    {' '}
                    View on the block explorer<span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                ))}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
