/**
 * Why an API call failed. A tagged union, so that the UI can say precisely what went wrong: the API
 * answered with its error shape, answered with something else, answered with a body this app does not
 * understand, did not answer at all, or did not answer in time.
 */
export type TApiFailure =
  /** The API answered with its documented error shape `{ error, message, details? }` (SPEC §6). */
  | { kind: 'api'; status: number; code: string; details: unknown }
  /** A non-2xx answer without the API's error shape, typically from a proxy, load balancer or CDN. */
  | { kind: 'http'; status: number; statusText: string }
  /** A 2xx answer whose body is not JSON or does not match the shared schema (app and API out of step). */
  | { kind: 'invalid-response'; status: number; issues: string[] }
  /** No answer: DNS, connection refused, CORS rejection, offline. */
  | { kind: 'network' }
  /** No complete answer within the request timeout. */
  | { kind: 'timeout'; timeoutMs: number };

export type TApiErrorKind = TApiFailure['kind'];

/** A failed API call: what was asked (`method`, `path`), what went wrong (`failure`), and the request id if any. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly failure: TApiFailure;
  readonly method: string;
  readonly path: string;
  /** The API's correlation id (`x-request-id`) when the response carried one; quote it when reporting a problem. */
  readonly requestId: string | null;
  /** How long the answer asked the client to wait before trying again (`Retry-After`), or null. */
  readonly retryAfterMs: number | null;

  constructor(
    args: {
      failure: TApiFailure;
      method: string;
      path: string;
      message: string;
      requestId?: string | null;
      retryAfterMs?: number | null;
    },
    options?: { cause?: unknown },
  ) {
    super(args.message, options);
    this.failure = args.failure;
    this.method = args.method;
    this.path = args.path;
    this.requestId = args.requestId ?? null;
    this.retryAfterMs = args.retryAfterMs ?? null;
  }

  /** The HTTP status of the answer, or null when none arrived (network failure, timeout). */
  get status(): number | null {
    return this.failure.kind === 'network' || this.failure.kind === 'timeout' ? null : this.failure.status;
  }

  /**
   * One code for every failure: the API's own (`RATE_LIMITED`, `VALIDATION_FAILED`, ...) when it answered
   * with its error shape, else the client's: `TIMEOUT`, `NETWORK`, `HTTP_ERROR`, `INVALID_RESPONSE`.
   */
  get code(): string {
    return this.failure.kind === 'api' ? this.failure.code : CLIENT_FAILURE_CODES[this.failure.kind];
  }

  /**
   * The request field the API blamed (`details.field`, or the first of `details.issues[].field` of a
   * VALIDATION_FAILED), or null.
   */
  get field(): string | null {
    if (this.failure.kind !== 'api') return null;
    const details = (this.failure.details ?? {}) as { field?: unknown; issues?: unknown };
    if (typeof details.field === 'string') return details.field;
    const first: unknown = Array.isArray(details.issues) ? details.issues[0] : undefined;
    const field = (first as { field?: unknown } | undefined)?.field;
    return typeof field === 'string' ? field : null;
  }
}

/** The codes of failures the API did not describe itself (the `api` kind carries the API's code). */
const CLIENT_FAILURE_CODES: Readonly<Record<Exclude<TApiErrorKind, 'api'>, string>> = {
  http: 'HTTP_ERROR',
  'invalid-response': 'INVALID_RESPONSE',
  network: 'NETWORK',
  timeout: 'TIMEOUT',
};

/**
 * The API's error code when `error` is an ApiError carrying the API's error shape, else null.
 *
 * @example apiErrorCode(error) === 'RATE_LIMITED'
 */
export function apiErrorCode(error: unknown): string | null {
  return error instanceof ApiError && error.failure.kind === 'api' ? error.failure.code : null;
}

export interface TApiErrorDescription {
  /** One short sentence for a heading. */
  summary: string;
  /** What exactly happened, for the operator who has to fix it. */
  detail: string;
}

function formatHttpStatus(status: number, statusText: string): string {
  return statusText === '' ? `HTTP ${status}` : `HTTP ${status} ${statusText}`;
}

/**
 * Turns any error thrown by an API call into words for the UI.
 *
 * @example describeApiError(new ApiError({ failure: { kind: 'network' }, ... })).summary // 'Cannot reach the API'
 */
export function describeApiError(error: unknown): TApiErrorDescription {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { summary: 'Unexpected error', detail: message };
  }
  const request = `${error.method} ${error.path}`;
  const suffix = error.requestId === null ? '' : ` Request id: ${error.requestId}.`;
  const { failure } = error;
  switch (failure.kind) {
    case 'api':
      return {
        summary: 'The API reported an error',
        detail: `${request}: ${error.message} (${failure.code}, HTTP ${failure.status}).${suffix}`,
      };
    case 'http':
      return {
        summary:
          failure.status === 502 || failure.status === 503 || failure.status === 504
            ? 'The API is unavailable'
            : 'The API answered with an unexpected error',
        detail: `${request}: ${formatHttpStatus(failure.status, failure.statusText)}, without the API's error details.${suffix}`,
      };
    case 'invalid-response':
      return {
        summary: 'The API answered with data this app does not understand',
        detail: `${request}: ${failure.issues.join('; ')}. The app and the API may be different versions.${suffix}`,
      };
    case 'network':
      return {
        summary: 'Cannot reach the API',
        detail: `${request}: no answer (the API is down, the network is offline, or the request was blocked).`,
      };
    case 'timeout':
      return {
        summary: 'The API did not answer in time',
        detail: `${request}: no answer within ${failure.timeoutMs / 1000} s.`,
      };
  }
}
