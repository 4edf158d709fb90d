import { affiliateTermsMessage } from '@sge/shared';
import { sql } from 'kysely';
import type { Hex } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import type { TDb } from '../../src/db/client';

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field.
export type TApiResponse = { status: number; body: any; text: string; headers: Headers };

/** A small JSON client of the HTTP API for tests. */
export function apiClient(baseUrl: string) {
  return async (
    method: string,
    path: string,
    options: { key?: string; bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<TApiResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers['x-admin-key'] = options.key;
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, text, headers: response.headers };
  };
}
export type TApi = ReturnType<typeof apiClient>;

/** A fresh wallet (random key) that can sign affiliate terms and SIWE messages. */
export function newWallet(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}

/** Registers `account` as an affiliate through the API, signing the terms as the app would. */
export async function registerAffiliateViaApi(
  api: TApi,
  account: PrivateKeyAccount,
  input: { programId: string; code: string; parentCode?: string },
): Promise<TApiResponse> {
  const message = affiliateTermsMessage({
    programId: input.programId,
    wallet: account.address,
    code: input.code,
    parentCode: input.parentCode ?? null,
  });
  return await api('POST', '/api/affiliates/register', {
    body: {
      programId: input.programId,
      wallet: account.address,
      code: input.code,
      ...(input.parentCode ? { parentCode: input.parentCode } : {}),
      signature: await account.signMessage({ message }),
    },
  });
}

/** Signs in with Ethereum as `account` (nonce, EIP-4361 message, verify) and returns the session token. */
export async function signIn(
  api: TApi,
  account: PrivateKeyAccount,
  options: { programId: string; chainId: number; domain?: string; uri?: string; nonce?: string },
): Promise<{ response: TApiResponse; token: string; message: string; signature: Hex }> {
  const nonce =
    options.nonce ??
    (await api('POST', '/api/auth/siwe/nonce', { body: { programId: options.programId } })).body.nonce;
  const message = createSiweMessage({
    address: account.address,
    chainId: options.chainId,
    domain: options.domain ?? 'localhost:5173',
    nonce,
    uri: options.uri ?? 'http://localhost:5173/affiliate',
    version: '1',
    issuedAt: new Date(),
    statement: 'Sign in to the SGE affiliate dashboard.',
  });
  const signature = await account.signMessage({ message });
  const response = await api('POST', '/api/auth/siwe/verify', { body: { message, signature } });
  return { response, token: response.body?.token, message, signature };
}

/** Tables whose content the authorization test proves unchanged by refused requests. */
const FINGERPRINTED_TABLES = [
  'programs',
  'program_api_keys',
  'affiliates',
  'affiliate_sessions',
  'users',
  'intents',
  'settlements',
  'settlement_refunds',
  'ledger_transactions',
  'ledger_entries',
  'commissions',
  'commission_clawbacks',
  'payout_batches',
  'payouts',
  'payout_batch_signatures',
  'audit_log',
] as const;

/** A digest of every row of the money tables: equal before and after means nothing changed. */
export async function databaseFingerprint(db: TDb): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of FINGERPRINTED_TABLES) {
    const row = await sql<{ digest: string | null; n: number }>`
      SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int8 AS n
        FROM ${sql.table(table)} t`.execute(db);
    result[table] = `${row.rows[0]!.n}:${row.rows[0]!.digest}`;
  }
  return result;
}
