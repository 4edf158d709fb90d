import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_PROGRAM_ID } from '@sge/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Address } from 'viem';
import type { TAdminKey } from '../../config';
import { findAffiliateByWallet } from '../../domain/affiliates/lookup-affiliate';
import type { TAffiliate } from '../../domain/affiliates/register-affiliate';
import { AppError } from '../../domain/app-error';
import type { TActor } from '../../domain/audit/write-audit';
import { apiKeyActor, findActiveProgramApiKey } from '../../domain/auth/program-api-keys';
import { findAffiliateSession } from '../../domain/auth/sign-in-with-ethereum';
import type { TAdminActor } from '../../domain/changes/propose-change';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/**
 * Authentication and authorization of the HTTP API, in one place. Three kinds of caller:
 *
 * - **admin** — a person: a named key from ADMIN_API_KEYS (`name:key[:0xWallet]`), sent as
 *   `x-admin-key: <key>` or `Authorization: Bearer <key>`. Compared in constant time against every
 *   configured key (SHA-256 digests of equal length, no early exit). The name is the actor in the audit log
 *   and in two-person checks; the wallet (or null) signs that admin's payout approvals. Sees every program.
 * - **program key** — automation: a program-scoped API key (`sgek_…`, created by an admin), sent the same
 *   way. Acts as `apikey:<name>`, and sees and changes only its own program: naming another program, or any
 *   object of another program, answers 404 exactly as if it did not exist. It can never move money or
 *   decide who can (issue 17): creating programs or keys, creating, approving, rejecting, cancelling or
 *   executing payout batches, recording manual payments, changing money settings and deciding pending
 *   changes all answer 403 FORBIDDEN. Otherwise one admin could mint program keys as extra "people" and
 *   approve their own payouts.
 * - **affiliate** — a Sign-In with Ethereum session (`sges_…` bearer token), for /api/affiliate/...: sees
 *   only its own data.
 *
 * Routes opt in with a guard as their `onRequest` hook (`guards.admin`: an admin or a program key;
 * `guards.person`: an admin only, for whatever moves money; `guards.globalAdmin`: an admin only, for
 * platform-wide reads and keys; `guards.affiliate`): it runs before the body is parsed or validated, so an unauthenticated request learns
 * nothing, not even whether its body would be valid. It sets `request.principal` or answers 401 (no or
 * wrong credentials) / 403 (valid credentials, not allowed). Handlers then use the helpers below for the
 * actor and the program scope.
 */
export type TAdminPrincipal =
  | { kind: 'admin'; actor: string; programId: null; wallet: Address | null }
  | { kind: 'program-key'; actor: string; programId: string; keyId: string; wallet: null };
/** The principal of a `guards.person` route: always a named admin. */
export type TPersonPrincipal = Extract<TAdminPrincipal, { kind: 'admin' }>;
export type TAffiliatePrincipal = {
  kind: 'affiliate';
  actor: string;
  sessionId: string;
  programId: string;
  wallet: string;
};
export type TPrincipal = TAdminPrincipal | TAffiliatePrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal: TPrincipal | null;
  }
}

type TGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
export type TAuthGuards = { admin: TGuard; person: TGuard; globalAdmin: TGuard; affiliate: TGuard };

/** Route module: declares `request.principal` (null until a guard sets it). Register before the routes. */
export function registerAuth(app: TApp, _runtime: TRuntime) {
  app.decorateRequest('principal', null);
}

const guardsOf = new WeakMap<TRuntime, TAuthGuards>();

/** The guards of one runtime (built once: the admin key digests are computed once). */
export function authGuards(runtime: TRuntime): TAuthGuards {
  let guards = guardsOf.get(runtime);
  if (!guards) {
    guards = buildGuards(runtime);
    guardsOf.set(runtime, guards);
  }
  return guards;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The admin whose key was presented, or null. Every configured key is compared, always, with
 * timingSafeEqual over fixed-length digests: the time taken says nothing about which key (or how much of
 * one) matched.
 */
export function matchAdminKey<TKey extends { name: string; digest: Buffer }>(
  presented: string,
  keys: readonly TKey[],
): TKey | null {
  const candidate = digest(presented);
  let matched: TKey | null = null;
  for (const key of keys) {
    if (timingSafeEqual(candidate, key.digest) && matched === null) matched = key;
  }
  return matched;
}

function presentedCredential(request: FastifyRequest): string | null {
  const header = request.headers['x-admin-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  return bearer(request);
}

function bearer(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : null;
}

function buildGuards(runtime: TRuntime): TAuthGuards {
  const db = runtime.database.db;
  const adminKeys = runtime.config.admin.keys.map((key: TAdminKey) => ({
    name: key.name,
    wallet: key.wallet,
    digest: digest(key.key),
  }));

  const authenticateAdmin = async (request: FastifyRequest): Promise<TAdminPrincipal> => {
    const presented = presentedCredential(request);
    if (!presented) {
      throw new AppError(
        'UNAUTHORIZED',
        'admin credentials required: send x-admin-key or Authorization: Bearer',
      );
    }
    const admin = matchAdminKey(presented, adminKeys);
    if (admin) return { kind: 'admin', actor: admin.name, programId: null, wallet: admin.wallet };
    const key = await findActiveProgramApiKey(db, presented);
    if (key) {
      return {
        kind: 'program-key',
        actor: apiKeyActor(key),
        programId: key.program_id,
        keyId: key.id,
        wallet: null,
      };
    }
    throw new AppError('UNAUTHORIZED', 'invalid admin credentials');
  };

  return {
    async admin(request) {
      request.principal = await authenticateAdmin(request);
    },
    async person(request) {
      const principal = await authenticateAdmin(request);
      if (principal.kind !== 'admin') {
        throw new AppError(
          'FORBIDDEN',
          'this moves money or changes who can: it needs an admin (a person with their own admin key); a program API key is for automation and cannot do it',
        );
      }
      request.principal = principal;
    },
    async globalAdmin(request) {
      const principal = await authenticateAdmin(request);
      if (principal.kind !== 'admin') {
        throw new AppError('FORBIDDEN', 'this needs an admin key; a program-scoped key cannot do it');
      }
      request.principal = principal;
    },
    async affiliate(request) {
      const token = bearer(request);
      if (!token)
        throw new AppError('UNAUTHORIZED', 'sign in first: send Authorization: Bearer <session token>');
      const session = await findAffiliateSession(db, token);
      if (!session)
        throw new AppError('UNAUTHORIZED', 'the session is unknown, expired or signed out; sign in again');
      request.principal = {
        kind: 'affiliate',
        actor: `wallet:${session.wallet}`,
        sessionId: session.id,
        programId: session.program_id,
        wallet: session.wallet,
      };
    },
  };
}

/** The admin (or program key) a guard authenticated. A route without the guard is a programmer error. */
export function adminOf(request: FastifyRequest): TAdminPrincipal {
  const principal = request.principal;
  if (!principal || principal.kind === 'affiliate')
    throw new Error(`route ${request.url} has no admin guard`);
  return principal;
}

/** The actor and wallet of the admin a `guards.person` (or `guards.globalAdmin`) route authenticated. */
export function adminActorOf(request: FastifyRequest): TAdminActor {
  const principal = personOf(request);
  return { actor: principal.actor, requestId: request.id, wallet: principal.wallet };
}

/** The admin a `guards.person` route authenticated. A route without that guard is a programmer error. */
export function personOf(request: FastifyRequest): TPersonPrincipal {
  const principal = adminOf(request);
  if (principal.kind !== 'admin') throw new Error(`route ${request.url} has no person guard`);
  return principal;
}

export function affiliateSessionOf(request: FastifyRequest): TAffiliatePrincipal {
  const principal = request.principal;
  if (principal?.kind !== 'affiliate') throw new Error(`route ${request.url} has no affiliate guard`);
  return principal;
}

/** Who acts, for the audit log: the principal's actor and the request id. */
export function actorOf(request: FastifyRequest): TActor {
  const principal = request.principal;
  if (!principal) throw new Error(`route ${request.url} has no guard`);
  return { actor: principal.actor, requestId: request.id };
}

/** The program a program-scoped key is limited to; null for an admin (every program). */
export function programScopeOf(principal: TAdminPrincipal): string | null {
  return principal.kind === 'program-key' ? principal.programId : null;
}

/**
 * The one program a request is about: the one it names, else (for an admin) the default program, and for a
 * program key always its own. A program key naming another program gets the same 404 as an unknown one.
 */
export function programOf(principal: TAdminPrincipal, requested: string | undefined): string {
  if (principal.kind === 'program-key') {
    if (requested && requested !== principal.programId) throw programNotFound(requested);
    return principal.programId;
  }
  return requested ?? DEFAULT_PROGRAM_ID;
}

/** Like programOf for list filters: an admin naming no program sees all of them (null). */
export function programFilterOf(principal: TAdminPrincipal, requested: string | undefined): string | null {
  if (principal.kind === 'program-key') return programOf(principal, requested);
  return requested ?? null;
}

export function programNotFound(programId: string): AppError {
  return new AppError('NOT_FOUND', `program ${programId} not found`);
}

/**
 * The affiliate signed in (the session's wallet in the session's program).
 *
 * @throws AppError NOT_FOUND when the wallet has not registered as an affiliate of that program.
 */
export async function currentAffiliate(runtime: TRuntime, request: FastifyRequest): Promise<TAffiliate> {
  const session = affiliateSessionOf(request);
  const affiliate = await findAffiliateByWallet(runtime.database.db, session.programId, session.wallet);
  if (!affiliate) {
    throw new AppError(
      'NOT_FOUND',
      `wallet ${session.wallet} is not an affiliate of this program; register first`,
    );
  }
  return affiliate;
}
