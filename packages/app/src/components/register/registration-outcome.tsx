import { describeApiError } from '../../api/api-error';
import { describeRegisterError, formatWait } from '../../registration/register-errors';
import {
  nextPollDelayMs,
  progressSteps,
  type TRegistrationState,
} from '../../registration/registration-progress';
import { RegisterProblem } from './register-problem';
import { RegistrationResult } from './registration-result';
import { RegistrationSteps } from './registration-steps';

/** The sentence the live region speaks (and shows) for each state; empty when there is nothing to say. */
function progressMessage(state: TRegistrationState): string {
  switch (state.status) {
    case 'no-wallet':
    case 'ready':
    case 'rejected':
      return '';
    case 'checking':
      return 'Checking whether this wallet is already registered…';
    case 'submitting':
      return 'Sending your registration…';
    case 'waiting':
      return state.step === 'accepted'
        ? 'Accepted: your registration is queued for minting.'
        : 'Minting your SGE-ID on the chain…';
    case 'stalled':
      return 'Still not minted. The platform keeps working on it in the background.';
    case 'minted':
      return state.alreadyRegistered
        ? 'This wallet already has its SGE-ID.'
        : 'Minted: your SGE-ID is in your wallet.';
    case 'failed':
      return 'The registration failed.';
  }
}

/**
 * Under the Register form: what became of the registration (the live progress, a refusal, a mint that is slow
 * or failed, the minted SGE-ID). `nowMs` is the page's clock, for countdowns.
 */
export function RegistrationOutcome({
  state,
  nowMs,
  onResume,
}: {
  state: TRegistrationState;
  nowMs: number;
  onResume: () => void;
}) {
  const steps = progressSteps(state);
  return (
    <>
      <div className="progress">
        {/* Always in the document, so that screen readers announce each change of its text. */}
        <p role="status" aria-live="polite" className="progress__message" data-testid="progress-message">
          {progressMessage(state)}
        </p>
        {steps !== null && <RegistrationSteps steps={steps} />}
        {state.status === 'waiting' && state.failures > 0 && (
          <p className="notice notice--warning" data-testid="poll-warning">
            Lost contact with the platform ({describeApiError(state.lastError).summary.toLowerCase()}).
            Checking again in {formatWait(nextPollDelayMs(state.failures))}; your registration is not
            affected.
          </p>
        )}
      </div>

      {state.status === 'rejected' && (
        <RegisterProblem
          problem={describeRegisterError(state.error, state.atMs)}
          wallet={state.wallet}
          nowMs={nowMs}
        />
      )}
      {state.status === 'stalled' && (
        <div className="notice notice--warning" data-testid="stalled">
          <p className="notice__title">This is taking longer than usual</p>
          <p>
            Your registration is recorded and the platform keeps minting in the background. Check again in a
            while.
            {state.intentId !== null && (
              <>
                {' '}
                Reference: <code className="break">{state.intentId}</code>
              </>
            )}
          </p>
          <p className="wallet-panel__actions">
            <button type="button" className="button" onClick={onResume}>
              Check again
            </button>
          </p>
        </div>
      )}
      {state.status === 'failed' && (
        <div className="notice notice--critical" role="alert" data-testid="registration-failed">
          <p className="notice__title">The SGE-ID could not be minted</p>
          <p>The platform's operators can retry it. If you contact support, quote the reference below.</p>
          {state.reason !== null && <p className="notice__detail">Reason: {state.reason}</p>}
          {state.intentId !== null && (
            <p className="notice__detail">
              Reference: <code>{state.intentId}</code>
            </p>
          )}
        </div>
      )}
      {state.status === 'minted' && <RegistrationResult state={state} />}
    </>
  );
}
