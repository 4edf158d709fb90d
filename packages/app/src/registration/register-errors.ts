import { ApiError, describeApiError } from '../api/api-error';
import { RATE_LIMIT_RETRY_DEFAULT_MS } from '../limits';

/**
 * Why a registration did not go through, in words for the person registering, one kind per way the page
 * reacts: fix the input, pay first, wait, or simply try again. `detail` carries the technical description
 * (request, code, request id) for a support request.
 */
export type TRegisterProblem =
  | { kind: 'invalid-input'; title: string; message: string; detail: string }
  | { kind: 'payment-required'; title: string; message: string; detail: string }
  | { kind: 'program-paused'; title: string; message: string; detail: string }
  /** A program gate or the proof of wallet refused this wallet: another wallet (or the program's operator) is the way on. */
  | { kind: 'not-eligible'; title: string; message: string; detail: string }
  /** Wait until `retryAtMs` (from Retry-After, or a minute when it is missing). */
  | { kind: 'rate-limited'; title: string; message: string; detail: string; retryAtMs: number }
  /** No answer, or a server-side failure: retrying is safe (a wallet is never registered twice). */
  | { kind: 'retryable'; title: string; message: string; detail: string }
  | { kind: 'other'; title: string; message: string; detail: string };

/** Names of the request fields the API reports in VALIDATION_FAILED, as the form calls them. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  'body.wallet': 'Wallet address',
  'body.ref': 'Referral code',
};

const SAFE_TO_RETRY = 'Trying again is safe: a wallet never gets more than one SGE-ID.';

/** The VALIDATION_FAILED issues as "Wallet address: must be ...", from `details.issues` or the message. */
function validationMessage(error: ApiError): string {
  const details = error.failure.kind === 'api' ? error.failure.details : undefined;
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    const lines = issues.flatMap((issue: unknown) => {
      const { field, message } = (issue ?? {}) as { field?: unknown; message?: unknown };
      if (typeof message !== 'string') return [];
      const label = typeof field === 'string' ? (FIELD_LABELS[field] ?? field) : null;
      return [label === null ? message : `${label}: ${message}`];
    });
    if (lines.length > 0) return `${lines.join('; ')}.`;
  }
  return error.message;
}

/** The wallet an API error names in `details.wallet` (NOT_ALLOWLISTED does), or null. */
function walletOf(error: ApiError): string | null {
  const details = error.failure.kind === 'api' ? error.failure.details : undefined;
  const wallet = (details as { wallet?: unknown } | undefined)?.wallet;
  return typeof wallet === 'string' ? wallet : null;
}

/**
 * Describes a failed POST /api/register. `atMs` is when the answer arrived, for the rate-limit deadline.
 *
 * @example describeRegisterError(rateLimitedError, Date.now()).kind // 'rate-limited'
 */
export function describeRegisterError(error: unknown, atMs: number): TRegisterProblem {
  const { detail } = describeApiError(error);
  if (!(error instanceof ApiError)) {
    return { kind: 'other', title: 'Registration failed', message: describeApiError(error).detail, detail };
  }
  const { failure } = error;
  if (failure.kind === 'network' || failure.kind === 'timeout') {
    return {
      kind: 'retryable',
      title: failure.kind === 'network' ? 'Cannot reach the platform' : 'The platform did not answer in time',
      message: `Your registration may not have arrived. Check your connection and try again. ${SAFE_TO_RETRY}`,
      detail,
    };
  }
  if (failure.kind === 'http' || failure.kind === 'invalid-response') {
    return failure.kind === 'http' && failure.status >= 500
      ? {
          kind: 'retryable',
          title: 'The platform is unavailable',
          message: `Please try again in a moment. ${SAFE_TO_RETRY}`,
          detail,
        }
      : { kind: 'other', title: 'Registration failed', message: describeApiError(error).summary, detail };
  }
  switch (failure.code) {
    case 'VALIDATION_FAILED':
      return { kind: 'invalid-input', title: 'Check the details', message: validationMessage(error), detail };
    case 'PAYMENT_REQUIRED':
      return {
        kind: 'payment-required',
        title: 'A payment is required first',
        message: 'This program asks for a payment before it issues an SGE-ID to this wallet.',
        detail,
      };
    case 'PROGRAM_PAUSED':
      return {
        kind: 'program-paused',
        title: 'Registration is paused',
        message: 'The program is not accepting new registrations right now. Please try again later.',
        detail,
      };
    case 'NOT_ALLOWLISTED':
      return {
        kind: 'not-eligible',
        title: 'This wallet is not on the allowlist',
        message: `This program registers only the wallets on its allowlist, and ${walletOf(error) ?? 'this wallet'} is not on it. If you think it should be, contact the program's operator, or register a wallet that is on the list.`,
        detail,
      };
    case 'CHALLENGE_REQUIRED':
    case 'CHALLENGE_FAILED':
      return {
        kind: 'retryable',
        title: 'The anti-spam check did not pass',
        message: `This program asks each registration to solve a small computing puzzle, and it was missing or expired. Try again; the page solves a new one. ${SAFE_TO_RETRY}`,
        detail,
      };
    case 'REGISTRATION_SIGNATURE_REQUIRED':
      return {
        kind: 'not-eligible',
        title: 'Connect this wallet to register it',
        message:
          'This program registers a wallet only with its own signature. Connect the wallet you want to register (its address fills the form), then press Register and approve the signature.',
        detail,
      };
    case 'REGISTRATION_SIGNATURE_EXPIRED':
    case 'REGISTRATION_SIGNATURE_INVALID':
      return {
        kind: 'retryable',
        title: 'The wallet signature was not accepted',
        message: `The signature has expired or is not this wallet's. Try again to sign anew. ${SAFE_TO_RETRY}`,
        detail,
      };
    case 'RATE_LIMITED':
      return {
        kind: 'rate-limited',
        title: 'Too many attempts',
        message: 'The platform limits how often a wallet or a device can register.',
        detail,
        retryAtMs: atMs + (error.retryAfterMs ?? RATE_LIMIT_RETRY_DEFAULT_MS),
      };
    case 'IDEMPOTENCY_REQUEST_IN_PROGRESS':
      return {
        kind: 'retryable',
        title: 'Your previous attempt is still being processed',
        message: `Wait a moment, then try again. ${SAFE_TO_RETRY}`,
        detail,
      };
    case 'INTERNAL':
    case 'DEPENDENCY_UNAVAILABLE':
      return {
        kind: 'retryable',
        title: 'The platform had a problem',
        message: `Please try again in a moment. ${SAFE_TO_RETRY}`,
        detail,
      };
    default:
      return { kind: 'other', title: 'Registration failed', message: error.message, detail };
  }
}

/**
 * A wait for "try again in …", rounded up so that it never says 0 s while there is still time to wait.
 *
 * @example formatWait(42_100) // '43 s'
 * @example formatWait(125_000) // '2 min 5 s'
 */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1_000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
