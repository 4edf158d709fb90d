import {
  type TClaimInfo,
  type TClaimPrepareResponse,
  type TClaimRecordResponse,
  type TClaimToken,
  type TFaucetResponse,
  type TGaslessClaimPrepareResponse,
  type TGaslessClaimSubmitRequest,
  type TGaslessClaimSubmitResponse,
  ZClaimInfo,
  ZClaimPrepareResponse,
  ZClaimRecordResponse,
  ZErrorResponse,
  ZFaucetResponse,
  ZGaslessClaimPrepareResponse,
  ZGaslessClaimSubmitResponse,
} from '@sge/shared';
import type { z } from 'zod';
import { apiBaseUrl } from '../api/api';
import { ApiError } from '../api/api-error';

/**
 * The claim endpoints (GET /api/claim/info, POST /api/claim/prepare, POST /api/claim/record) and Mock mode's
 * faucet (POST /api/dev/faucet). Failures are ApiErrors like the rest of the app's API calls.
 */

/** Recording waits for the API's on-chain verification (several chain reads); allow more than a plain read. */
export const CLAIM_REQUEST_TIMEOUT_MS = 20_000;

async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CLAIM_REQUEST_TIMEOUT_MS);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${apiBaseUrl}${path}`, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: controller.signal,
    });
    text = await response.text();
  } catch (cause) {
    const failure = controller.signal.aborted
      ? ({ kind: 'timeout', timeoutMs: CLAIM_REQUEST_TIMEOUT_MS } as const)
      : ({ kind: 'network' } as const);
    throw new ApiError({ failure, method, path, message: String(cause) }, { cause });
  } finally {
    clearTimeout(timer);
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // handled below
  }
  const requestId = response.headers.get('x-request-id');
  if (!response.ok) {
    const shape = ZErrorResponse.safeParse(json);
    if (shape.success) {
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
      message: `HTTP ${response.status}`,
      requestId,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ApiError({
      failure: { kind: 'invalid-response', status: response.status, issues },
      method,
      path,
      message: 'The response does not match the expected shape',
      requestId,
    });
  }
  return parsed.data;
}

export const claimApi = {
  info: (wallet: string): Promise<TClaimInfo> =>
    request('GET', `/api/claim/info?${new URLSearchParams({ wallet })}`, ZClaimInfo),
  prepare: (wallet: string, token: TClaimToken): Promise<TClaimPrepareResponse> =>
    request('POST', '/api/claim/prepare', ZClaimPrepareResponse, { wallet, token }),
  record: (wallet: string, txHash: string): Promise<TClaimRecordResponse> =>
    request('POST', '/api/claim/record', ZClaimRecordResponse, { wallet, txHash }),
  gaslessPrepare: (wallet: string): Promise<TGaslessClaimPrepareResponse> =>
    request('POST', '/api/claim/gasless/prepare', ZGaslessClaimPrepareResponse, { wallet }),
  gaslessSubmit: (body: TGaslessClaimSubmitRequest): Promise<TGaslessClaimSubmitResponse> =>
    request('POST', '/api/claim/gasless/submit', ZGaslessClaimSubmitResponse, body),
  faucet: (wallet: string): Promise<TFaucetResponse> =>
    request('POST', '/api/dev/faucet', ZFaucetResponse, { wallet }),
};
