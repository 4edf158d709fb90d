import {
  type TAffiliateLookup,
  type TRegisterRequest,
  type TRegisterResponse,
  type TRegistrationChallenge,
  type TSystemStatus,
  type TWalletStatus,
  ZAffiliateLookup,
  ZErrorResponse,
  ZRegisterResponse,
  ZRegistrationChallenge,
  ZSystemStatus,
  ZWalletStatus,
} from '@sge/shared';
import type { z } from 'zod';
import { API_REQUEST_TIMEOUT_MS, SCHEMA_ISSUES_SHOWN_MAX } from '../limits';
import { ApiError } from './api-error';
import { type TDevWallet, ZDevWallet } from './dev-wallet';
import { parseRetryAfterMs } from './retry-after';

export type { TAffiliateLookup } from '@sge/shared';

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

export interface TRegisterOptions extends TRequestOptions {
  /**
   * Sent as `Idempotency-Key`: a retry of a request whose answer never arrived, with the same key and body,
   * gets the first request's stored answer instead of running again (SPEC §6).
   */
  idempotencyKey?: string;
}

export interface TApiClient {
  /** GET /api/system/status: what the /status page shows, and the chain id and mode the wallet layer needs. */
  getSystemStatus(options?: TRequestOptions): Promise<TSystemStatus>;
  /**
   * POST /api/register: 202 with the intent once it is committed, 200 with the result when the wallet already
   * has its SGE-ID (both parsed as TRegisterResponse; `status` tells them apart).
   */
  register(body: TRegisterRequest, options?: TRegisterOptions): Promise<TRegisterResponse>;
  /**
   * GET /api/register/challenge?wallet=: a proof-of-work challenge (ALTCHA) for a program with that gate, bound
   * to the wallet; its solution goes in the registration's `altcha`.
   */
  getRegistrationChallenge(wallet: string, options?: TRequestOptions): Promise<TRegistrationChallenge>;
  /** GET /api/status?wallet=: registration, payment and claim state of one wallet. */
  getWalletStatus(wallet: string, options?: TRequestOptions): Promise<TWalletStatus>;
  /** GET /api/affiliates/lookup?code=: whether a referral code exists (404 NOT_FOUND if not) and is active. */
  lookupAffiliate(code: string, options?: TRequestOptions): Promise<TAffiliateLookup>;
  /** GET /api/dev/wallet: Mock mode's dev wallet (a published local-chain key). 404 in Real mode. */
  getDevWallet(options?: TRequestOptions): Promise<TDevWallet>;
  /**
   * Any JSON endpoint, with the same checks and errors as the methods above: the affiliate and admin clients
   * (affiliate-client.ts, admin-client.ts) are built on it and add their credentials as headers.
   */
  send<T>(method: THttpMethod, path: string, schema: z.ZodType<T>, init?: TSendInit): Promise<T>;
  /**
   * An endpoint that answers with text (the admin CSV exports): the same timeout and errors as `send`, the
   * body returned as it came.
   */
  sendForText(method: THttpMethod, path: string, init?: TSendInit): Promise<string>;
}

export type THttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

export interface TSendInit extends TRequestOptions {
  /** Serialised as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** This request's timeout, for the few that wait on the chain; defaults to the client's. */
  timeoutMs?: number;
}

type TRequestInit = TSendInit;

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
  const clientTimeoutMs = options.timeoutMs ?? API_REQUEST_TIMEOUT_MS;

  /**
   * The one place the app calls fetch: the timeout (AbortSignal.timeout, combined with the caller's signal)
   * covers the headers and the body, and every failure becomes an ApiError. Returns the answer's text and
   * the headers every caller reads; a non-2xx answer has already been thrown.
   */
  async function exchange(
    method: THttpMethod,
    path: string,
    init: TRequestInit,
    accept: string,
  ): Promise<{ response: Response; text: string; requestId: string | null }> {
    const timeoutMs = init.timeoutMs ?? clientTimeoutMs;
    const callerSignal = init.signal;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal =
      callerSignal === undefined ? timeoutSignal : AbortSignal.any([callerSignal, timeoutSignal]);

    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = { accept, ...init.headers };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      response = await fetchImpl(`${options.baseUrl}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        cache: 'no-store',
        signal,
      });
      // The body is read inside the timeout too: a server that sends headers and then stalls is not an answer.
      text = await response.text();
    } catch (cause) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? cause;
      if (timeoutSignal.aborted) {
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
    }

    const requestId = response.headers.get('x-request-id');
    if (!response.ok) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
      const json = parseJson(text);
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
          retryAfterMs,
        });
      }
      throw new ApiError({
        failure: { kind: 'http', status: response.status, statusText: response.statusText },
        method,
        path,
        message: `HTTP ${response.status} without the API's error shape`,
        requestId,
        retryAfterMs,
      });
    }
    return { response, text, requestId };
  }

  async function request<T>(
    method: THttpMethod,
    path: string,
    schema: z.ZodType<T>,
    init: TRequestInit,
  ): Promise<T> {
    const { response, text, requestId } = await exchange(method, path, init, 'application/json');
    const json = parseJson(text);
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
    register: (body, { idempotencyKey, ...init } = {}) =>
      request('POST', '/api/register', ZRegisterResponse, {
        ...init,
        body,
        headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
      }),
    getRegistrationChallenge: (wallet, init = {}) =>
      request(
        'GET',
        `/api/register/challenge?${new URLSearchParams({ wallet })}`,
        ZRegistrationChallenge,
        init,
      ),
    getWalletStatus: (wallet, init = {}) =>
      request('GET', `/api/status?${new URLSearchParams({ wallet })}`, ZWalletStatus, init),
    lookupAffiliate: (code, init = {}) =>
      request('GET', `/api/affiliates/lookup?${new URLSearchParams({ code })}`, ZAffiliateLookup, init),
    getDevWallet: (init = {}) => request('GET', '/api/dev/wallet', ZDevWallet, init),
    send: (method, path, schema, init = {}) => request(method, path, schema, init),
    sendForText: async (method, path, init = {}) =>
      (await exchange(method, path, init, 'text/csv, text/plain, application/json')).text,
  };
}
