import { describe, expect, it } from 'vitest';
import { ApiError, type TApiFailure } from '../api/api-error';
import { RATE_LIMIT_RETRY_DEFAULT_MS } from '../limits';
import { describeRegisterError, formatWait } from './register-errors';

const AT_MS = 1_000_000;

function apiError(
  code: string,
  status: number,
  message: string,
  options: { details?: unknown; retryAfterMs?: number | null } = {},
): ApiError {
  return new ApiError({
    failure: { kind: 'api', status, code, details: options.details },
    method: 'POST',
    path: '/api/register',
    message,
    requestId: 'req-1',
    retryAfterMs: options.retryAfterMs ?? null,
  });
}

function failure(failure: TApiFailure): ApiError {
  return new ApiError({ failure, method: 'POST', path: '/api/register', message: 'x' });
}

describe('describeRegisterError', () => {
  it('names the field of a 400 as the form calls it', () => {
    const problem = describeRegisterError(
      apiError('VALIDATION_FAILED', 400, 'body.wallet: must be a 0x-prefixed 20-byte hex address', {
        details: { issues: [{ field: 'body.wallet', message: 'must be a 0x-prefixed 20-byte hex address' }] },
      }),
      AT_MS,
    );
    expect(problem).toMatchObject({
      kind: 'invalid-input',
      message: 'Wallet address: must be a 0x-prefixed 20-byte hex address.',
    });
    expect(problem.detail).toContain('Request id: req-1');
  });

  it("falls back to the API's message when a 400 has no issue list", () => {
    expect(
      describeRegisterError(apiError('VALIDATION_FAILED', 400, 'body.ref: too long'), AT_MS).message,
    ).toBe('body.ref: too long');
  });

  it('says a payment is required on a 402', () => {
    expect(describeRegisterError(apiError('PAYMENT_REQUIRED', 402, 'pay first'), AT_MS)).toMatchObject({
      kind: 'payment-required',
      title: 'A payment is required first',
    });
  });

  it('names the wallet an allowlist gate refused, and what to do', () => {
    const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const problem = describeRegisterError(
      apiError('NOT_ALLOWLISTED', 403, `${wallet} is not on this program's allowlist`, {
        details: { field: 'body.wallet', wallet },
      }),
      AT_MS,
    );
    expect(problem).toMatchObject({ kind: 'not-eligible', title: 'This wallet is not on the allowlist' });
    expect(problem.message).toContain(`${wallet} is not on it`);
    expect(problem.detail).toContain('NOT_ALLOWLISTED');
  });

  it('asks to retry when the proof-of-work challenge was missing or failed', () => {
    for (const code of ['CHALLENGE_REQUIRED', 'CHALLENGE_FAILED']) {
      expect(describeRegisterError(apiError(code, 403, 'x'), AT_MS)).toMatchObject({
        kind: 'retryable',
        title: 'The anti-spam check did not pass',
      });
    }
  });

  it('asks to connect the wallet when the program requires its signature', () => {
    expect(describeRegisterError(apiError('REGISTRATION_SIGNATURE_REQUIRED', 401, 'x'), AT_MS)).toMatchObject(
      {
        kind: 'not-eligible',
        title: 'Connect this wallet to register it',
      },
    );
  });

  it('says registration is paused on PROGRAM_PAUSED', () => {
    expect(describeRegisterError(apiError('PROGRAM_PAUSED', 409, 'paused'), AT_MS)).toMatchObject({
      kind: 'program-paused',
      title: 'Registration is paused',
    });
  });

  it('sets the retry time of a 429 from Retry-After, or a minute without one', () => {
    expect(
      describeRegisterError(apiError('RATE_LIMITED', 429, 'slow down', { retryAfterMs: 42_000 }), AT_MS),
    ).toMatchObject({ kind: 'rate-limited', retryAtMs: AT_MS + 42_000 });
    expect(describeRegisterError(apiError('RATE_LIMITED', 429, 'slow down'), AT_MS)).toMatchObject({
      kind: 'rate-limited',
      retryAtMs: AT_MS + RATE_LIMIT_RETRY_DEFAULT_MS,
    });
  });

  it('calls no answer, a timeout, a 5xx and a request still in progress safe to retry', () => {
    for (const error of [
      failure({ kind: 'network' }),
      failure({ kind: 'timeout', timeoutMs: 4_000 }),
      failure({ kind: 'http', status: 502, statusText: 'Bad Gateway' }),
      apiError('INTERNAL', 500, 'boom'),
      apiError('DEPENDENCY_UNAVAILABLE', 503, 'db down'),
      apiError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 409, 'in progress'),
    ]) {
      const problem = describeRegisterError(error, AT_MS);
      expect(problem.kind, error.message).toBe('retryable');
      expect(problem.message).toContain('never gets more than one SGE-ID');
    }
  });

  it('describes anything else without hiding what happened', () => {
    expect(describeRegisterError(apiError('FORBIDDEN', 403, 'no'), AT_MS)).toMatchObject({
      kind: 'other',
      message: 'no',
    });
    expect(describeRegisterError(new Error('bug'), AT_MS)).toMatchObject({ kind: 'other', message: 'bug' });
  });
});

describe('formatWait', () => {
  it('rounds up to whole seconds and never says 0 s', () => {
    expect(formatWait(42_100)).toBe('43 s');
    expect(formatWait(1)).toBe('1 s');
    expect(formatWait(0)).toBe('1 s');
  });

  it('uses minutes from a minute on', () => {
    expect(formatWait(60_000)).toBe('1 min');
    expect(formatWait(125_000)).toBe('2 min 5 s');
  });
});
