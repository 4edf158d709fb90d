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
  ZFaucetResponse,
  ZGaslessClaimPrepareResponse,
  ZGaslessClaimSubmitResponse,
} from '@sge/shared';
import type { z } from 'zod';
import { api } from '../api/api';
import type { THttpMethod } from '../api/client';
import { CLAIM_REQUEST_TIMEOUT_MS } from '../limits';

/**
 * The claim endpoints (GET /api/claim/info, POST /api/claim/prepare, POST /api/claim/record, the gasless pair)
 * and Mock mode's faucet (POST /api/dev/faucet), on the app's one API client: failures are ApiErrors.
 */

function request<T>(method: THttpMethod, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  return api.send(method, path, schema, { body, timeoutMs: CLAIM_REQUEST_TIMEOUT_MS });
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
