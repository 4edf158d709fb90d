import { randomBytes } from 'node:crypto';
import { AFFILIATE_SESSION_TTL_SECONDS, SIWE_NONCE_TTL_SECONDS } from '@sge/shared';
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
};

function refused(reason: string): AppError {
  return new AppError('UNAUTHORIZED', `sign-in refused: ${reason}`);
}

/**
 * Verifies a Sign-In with Ethereum message and opens an affiliate session.
 *
 * Checks, in order: the message parses as EIP-4361 (version 1); its domain is one of the app's origins; it
 * names this chain; its nonce was issued by this API, is unexpired and unused; it is within its
 * expirationTime / notBefore; and the signature is the address's (verified through the chain, so
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
  if (chainId !== deps.chainId)
    throw refused(`the message names chain ${chainId}; this platform runs on chain ${deps.chainId}`);
  if (fields.expirationTime && fields.expirationTime.getTime() <= now.getTime())
    throw refused('the message has expired');
  if (fields.notBefore && fields.notBefore.getTime() > now.getTime())
    throw refused('the message is not valid yet');
  const issued = await db.selectFrom('siwe_nonces').selectAll().where('nonce', '=', nonce).executeTakeFirst();
  if (!issued) throw refused('the nonce was not issued by this API');
  if (issued.used_at) throw refused('the nonce has been used already');
  if (issued.expires_at.getTime() <= now.getTime()) throw refused('the nonce has expired; ask for a new one');

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
