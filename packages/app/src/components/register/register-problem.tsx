import { formatWait, type TRegisterProblem } from '../../registration/register-errors';
import { PaymentRequired } from './payment-required';

/**
 * Why the registration did not go through, with what to do next; a 429 counts down to when to retry.
 * `nowMs` is the page's clock, so that this countdown and the Register button's agree.
 */
export function RegisterProblem({
  problem,
  wallet,
  nowMs,
}: {
  problem: TRegisterProblem;
  wallet: string;
  nowMs: number;
}) {
  if (problem.kind === 'payment-required') return <PaymentRequired wallet={wallet} title={problem.title} />;
  return (
    <div
      className={`notice ${problem.kind === 'program-paused' || problem.kind === 'rate-limited' ? 'notice--warning' : 'notice--critical'}`}
      role="alert"
      data-testid="register-error"
      data-kind={problem.kind}
    >
      <p className="notice__title">{problem.title}</p>
      <p>{problem.message}</p>
      {problem.kind === 'rate-limited' && <RetryCountdown leftMs={problem.retryAtMs - nowMs} />}
      <p className="notice__detail">{problem.detail}</p>
    </div>
  );
}

function RetryCountdown({ leftMs }: { leftMs: number }) {
  return (
    // Not live: the alert around it announces the wait once, not every second.
    <p data-testid="retry-after" aria-live="off">
      {leftMs > 0 ? `You can try again in ${formatWait(leftMs)}.` : 'You can try again now.'}
    </p>
  );
}
