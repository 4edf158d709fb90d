import { type TSystemStatus, ZErrorResponse, ZSystemStatus } from '@sge/shared';
import type { z } from 'zod';
import { API_REQUEST_TIMEOUT_MS, SCHEMA_ISSUES_SHOWN_MAX } from '../limits';
import { ApiError } from './api-error';

export interface TApiClientOptions {
  /** '' for the app's own origin, else an absolute URL without a trailing slash (see normalizeApiBaseUrl). */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to API_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
}

export interface TRequestOptions {
  /** Cancels the request; a cancelled request rejects with the signal's reason, not with an ApiError. */
  signal?: AbortSignal;
}

export interface TApiClient {
  /** GET /api/system/status: what the /status page shows. */
  getSystemStatus(options?: TRequestOptions): Promise<TSystemStatus>;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function formatIssues(error: z.ZodError): string[] {
  const issues = error.issues.slice(0, SCHEMA_ISSUES_SHOWN_MAX).map((issue) => {
    const where = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - issues.length;
  return more > 0 ? [...issues, `and ${more} more`] : issues;
}

/**
 * A typed client for the SGE HTTP API. Every response body is checked against the zod schema shared with
 * the API (@sge/shared); every failure becomes an ApiError whose `failure.kind` says what went wrong.
 * Requests are never served from the browser's HTTP cache: operators must see live values.
 *
 * @example
 * const api = createApiClient({ baseUrl: '' });
 * const status = await api.getSystemStatus();
 */
export function createApiClient(options: TApiClientOptions): TApiClient {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? API_REQUEST_TIMEOUT_MS;

  async function request<T>(
    method: 'GET',
    path: string,
    schema: z.ZodType<T>,
    init: TRequestOptions,
  ): Promise<T> {
    const callerSignal = init.signal;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forwardAbort();
    else callerSignal?.addEventListener('abort', forwardAbort, { once: true });

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${options.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json' },
        cache: 'no-store',
        signal: controller.signal,
      });
      // The body is read inside the timeout too: a server that sends headers and then stalls is not an answer.
      text = await response.text();
    } catch (cause) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? cause;
      if (timedOut) {
        throw new ApiError(
          {
            failure: { kind: 'timeout', timeoutMs },
            method,
            path,
            message: `No answer within ${timeoutMs} ms`,
          },
          { cause },
        );
      }
      throw new ApiError(
        {
          failure: { kind: 'network' },
          method,
          path,
          message: cause instanceof Error ? cause.message : String(cause),
        },
        { cause },
      );
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }

    const requestId = response.headers.get('x-request-id');
    const json = parseJson(text);

    if (!response.ok) {
      const shape = json.ok ? ZErrorResponse.safeParse(json.value) : null;
      if (shape?.success) {
        throw new ApiError({
          failure: {
            kind: 'api',
            status: response.status,
            code: shape.data.error,
            details: shape.data.details,
          },
          method,
          path,
          message: shape.data.message,
          requestId,
        });
      }
      throw new ApiError({
        failure: { kind: 'http', status: response.status, statusText: response.statusText },
        method,
        path,
        message: `HTTP ${response.status} without the API's error shape`,
        requestId,
      });
    }

    if (!json.ok) {
      throw new ApiError({
        failure: { kind: 'invalid-response', status: response.status, issues: ['the body is not JSON'] },
        method,
        path,
        message: 'The response body is not JSON',
        requestId,
      });
    }
    const parsed = schema.safeParse(json.value);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error);
      throw new ApiError(
        {
          failure: { kind: 'invalid-response', status: response.status, issues },
          method,
          path,
          message: `The response does not match the expected shape: ${issues.join('; ')}`,
          requestId,
        },
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  return {
    getSystemStatus: (init = {}) => request('GET', '/api/system/status', ZSystemStatus, init),
  };
}
