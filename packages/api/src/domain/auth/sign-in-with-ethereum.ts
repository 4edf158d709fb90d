import { randomBytes } from 'node:crypto';
import {
  AFFILIATE_SESSION_TTL_SECONDS,
  SIWE_CLOCK_SKEW_SECONDS,
  SIWE_MESSAGE_AGE_SECONDS_MAX,
  SIWE_NONCE_TTL_SECONDS,
} from '@sge/shared';
import type { Selectable } from 'kysely';
import { getAddress, type Hex } from 'viem';
import { parseSiweMessage } from 'viem/siwe';
import type { AffiliateSessionsTable } from '../../db/schema';
import { AppError } from '../app-error';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';
import { looksLikeToken, newSecretToken, SESSION_TOKEN_PREFIX, sha256Hex } from './secret-tokens';

export type TAffiliateSession = Selectable<AffiliateSessionsTable>;

/** Issues a single-use Sign-In with Ethereum nonce (EIP-4361: alphanumeric, ≥ 8 chars) for a program. */
export async function issueSiweNonce(
  db: TDbExecutor,
  programId: string,
  now = new Date(),
): Promise<{ nonce: string; expiresAt: Date }> {
  await getProgram(db, programId);
  const nonce = randomBytes(16).toString('hex');
  const expiresAt = new Date(now.getTime() + SIWE_NONCE_TTL_SECONDS * 1000);
  await db
    .insertInto('siwe_nonces')
    .values({ nonce, program_id: programId, expires_at: expiresAt })
    .execute();
  return { nonce, expiresAt };
}

export type TSiweDeps = {
  /** Checks the signature against the chain, so smart-contract wallets (ERC-1271 / ERC-6492) work too. */
  verifySiweMessage: (input: {
    message: string;
    signature: Hex;
    domain: string;
    nonce: string;
    time: Date;
  }) => Promise<boolean>;
  /** The chain the message must name. */
  chainId: number;
  /** Hosts (host[:port]) of APP_ORIGIN: the only domains a message may name. */
  allowedDomains: readonly string[];
  /** Origins of APP_ORIGIN (scheme://host[:port]): the message's `uri` must be on one of them. */
  allowedOrigins: readonly string[];
};

/** Affiliate statuses whose wallet may not sign in (their sessions end when the status is set). */
const SIGN_IN_REFUSED_STATUSES: readonly string[] = ['SUSPENDED', 'TERMINATED'];

function refused(reason: string): AppError {
  return new AppError('UNAUTHORIZED', `sign-in refused: ${reason}`);
}

/**
 * Verifies a Sign-In with Ethereum message and opens an affiliate session.
 *
 * Checks, in order: the message parses as EIP-4361 (version 1); its domain is one of the app's origins and
 * its uri on one of them; it names this chain; it was issued (issuedAt) at most SIWE_MESSAGE_AGE_SECONDS_MAX
 * ago and not in the future beyond SIWE_CLOCK_SKEW_SECONDS; it is within its expirationTime / notBefore; its
 * nonce was issued by this API, is unexpired and unused; the wallet is not a SUSPENDED or TERMINATED
 * affiliate of the nonce's program; and the signature is the address's (verified through the chain, so
 * smart-contract wallets work). Then the nonce is consumed (single use, atomically) and a session token
 * is issued for the nonce's program and the address. Only the token's hash is stored.
 *
 * @throws AppError UNAUTHORIZED naming what failed.
 */
export async function signInWithEthereum(
  db: TDbExecutor,
  deps: TSiweDeps,
  input: { message: string; signature: Hex },
  now = new Date(),
): Promise<{ token: string; session: TAffiliateSession }> {
  let fields: ReturnType<typeof parseSiweMessage>;
  try {
    fields = parseSiweMessage(input.message);
  } catch {
    throw refused('the message is not an EIP-4361 message');
  }
  const { address, domain, nonce, chainId, version } = fields;
  if (!address || !domain || !nonce || chainId === undefined || version !== '1' || !fields.uri) {
    throw refused('the message lacks address, domain, uri, version 1, chain id or nonce');
  }
  if (!deps.allowedDomains.includes(domain)) {
    throw refused(`the message is for ${domain}, not for this app (${deps.allowedDomains.join(', ')})`);
  }
  let uriOrigin: string | null = null;
  try {
    uriOrigin = new URL(fields.uri).origin;
  } catch {}
  if (!uriOrigin || !deps.allowedOrigins.includes(uriOrigin)) {
    throw refused(`the message's uri ${fields.uri} is not on this app (${deps.allowedOrigins.join(', ')})`);
  }
  if (chainId !== deps.chainId)
    throw refused(`the message names chain ${chainId}; this platform runs on chain ${deps.chainId}`);
  if (!fields.issuedAt || Number.isNaN(fields.issuedAt.getTime()))
    throw refused('the message lacks issuedAt');
  if (fields.issuedAt.getTime() > now.getTime() + SIWE_CLOCK_SKEW_SECONDS * 1000)
    throw refused('the message is issued in the future; check the device clock');
  if (fields.issuedAt.getTime() < now.getTime() - SIWE_MESSAGE_AGE_SECONDS_MAX * 1000)
    throw refused(
      `the message was issued more than ${SIWE_MESSAGE_AGE_SECONDS_MAX / 60} minutes ago; sign a new one`,
    );
  if (fields.expirationTime && fields.expirationTime.getTime() <= now.getTime())
    throw refused('the message has expired');
  if (fields.notBefore && fields.notBefore.getTime() > now.getTime())
    throw refused('the message is not valid yet');
  const issued = await db.selectFrom('siwe_nonces').selectAll().where('nonce', '=', nonce).executeTakeFirst();
  if (!issued) throw refused('the nonce was not issued by this API');
  if (issued.used_at) throw refused('the nonce has been used already');
  if (issued.expires_at.getTime() <= now.getTime()) throw refused('the nonce has expired; ask for a new one');
  const affiliate = await db
    .selectFrom('affiliates')
    .select('status')
    .where('program_id', '=', issued.program_id)
    .where('wallet', '=', getAddress(address))
    .executeTakeFirst();
  if (affiliate && SIGN_IN_REFUSED_STATUSES.includes(affiliate.status)) {
    throw new AppError('FORBIDDEN', `sign-in refused: this affiliate is ${affiliate.status}`);
  }

  const valid = await deps
    .verifySiweMessage({ message: input.message, signature: input.signature, domain, nonce, time: now })
    .catch(() => false);
  if (!valid) throw new AppError('SIGNATURE_INVALID', 'sign-in refused: the signature is not the address’s');

  const wallet = getAddress(address);
  const token = newSecretToken(SESSION_TOKEN_PREFIX);
  const session = await inTransaction(db, async (tx) => {
    const consumed = await tx
      .updateTable('siwe_nonces')
      .set({ used_at: now })
      .where('nonce', '=', nonce)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('program_id')
      .executeTakeFirst();
    if (!consumed) throw refused('the nonce has been used already');
    return await tx
      .insertInto('affiliate_sessions')
      .values({
        token_hash: sha256Hex(token),
        program_id: consumed.program_id,
        wallet,
        expires_at: new Date(now.getTime() + AFFILIATE_SESSION_TTL_SECONDS * 1000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return { token, session };
}

/** The live (unexpired, unrevoked) session of a presented token, or null. */
export async function findAffiliateSession(
  db: TDbExecutor,
  presented: string,
  now = new Date(),
): Promise<TAffiliateSession | null> {
  if (!looksLikeToken(presented, SESSION_TOKEN_PREFIX)) return null;
  return (
    (await db
      .selectFrom('affiliate_sessions')
      .selectAll()
      .where('token_hash', '=', sha256Hex(presented))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst()) ?? null
  );
}

/**
 * Ends every live session of a wallet, in every program ("sign out everywhere"), or only in one program
 * (an admin suspended or terminated the wallet's affiliate there). Returns how many were ended.
 */
export async function endWalletSessions(
  db: TDbExecutor,
  wallet: string,
  options: { programId?: string; now?: Date } = {},
): Promise<number> {
  let query = db
    .updateTable('affiliate_sessions')
    .set({ revoked_at: options.now ?? new Date() })
    .where('wallet', '=', getAddress(wallet))
    .where('revoked_at', 'is', null);
  if (options.programId) query = query.where('program_id', '=', options.programId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends a session (sign-out). */
export async function endAffiliateSession(db: TDbExecutor, sessionId: string): Promise<void> {
  await db
    .updateTable('affiliate_sessions')
    .set({ revoked_at: new Date() })
    .where('id', '=', sessionId)
    .execute();
}

/**
 * Deletes expired nonces and sessions (a maintenance job; they are useless once expired). Bounded per call.
 */
export async function purgeExpiredAuth(
  db: TDbExecutor,
  now = new Date(),
): Promise<{ nonces: number; sessions: number }> {
  const nonces = await db.deleteFrom('siwe_nonces').where('expires_at', '<', now).executeTakeFirst();
  const sessions = await db.deleteFrom('affiliate_sessions').where('expires_at', '<', now).executeTakeFirst();
  return { nonces: Number(nonces.numDeletedRows), sessions: Number(sessions.numDeletedRows) };
}
