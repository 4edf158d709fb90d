import {
  DEFAULT_PROGRAM_ID,
  REGISTRATION_PROOF_TTL_SECONDS_MAX,
  type TRegisterResponse,
  ZErrorResponse,
  ZIntentView,
  ZRegisterRequest,
  ZRegisterResponse,
  ZWalletInput,
  ZWalletStatus,
} from '@sge/shared';
import type { preHandlerHookHandler } from 'fastify';
import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { z } from 'zod';
import { checksumAddress } from '../../chain/checksum-address';
import type { TDb } from '../../db/client';
import { AppError } from '../../domain/app-error';
import {
  assertRegistrationChallengeSolved,
  createRegistrationChallenge,
} from '../../domain/gates/registration-challenge';
import { hasPaid } from '../../domain/payments/has-paid';
import { assertProgramAcceptsIntents } from '../../domain/programs/assert-program-accepts-intents';
import { ProgramCache } from '../../domain/programs/program-cache';
import { getIntentView, getWalletStatus } from '../../domain/registration/get-wallet-status';
import {
  keepVerifiedRegistration,
  matchReferral,
  REGISTRATION_SIGNATURE_INVALID,
} from '../../domain/registration/registration-candidates';
import { RegistrationWriter } from '../../domain/registration/registration-writer';
import {
  type TRegistrationProofPayload,
  verifyRegistrationProof,
} from '../../domain/registration/verify-registration-proof';
import type { TRegistrationOutcome } from '../../domain/registration/write-registrations';
import { throttledRegisterWake } from '../../queue/register-queue';
import type { TRuntime } from '../../runtime';
import { rateLimitNamespace, sharedRateLimitStore } from '../plugins/shared-rate-limit-store';
import type { TApp } from '../server';

const WALLET_LIMIT_WINDOW_MS = 60_000;

/** The per-wallet limit's key of a request body's wallet (any letter case: one wallet, one count). */
const walletLimitKey = (wallet: unknown) =>
  `register-wallet:${typeof wallet === 'string' ? wallet.toLowerCase() : 'none'}`;

const ZProgramQuery = z.object({ programId: z.uuid().optional() });

/** Whether an intent could still take another request's signature (not yet verified, or failed for it). */
const awaitsValidProof = (outcome: TRegistrationOutcome) =>
  outcome.status === 'FAILED'
    ? (outcome.reason ?? '').startsWith(REGISTRATION_SIGNATURE_INVALID)
    : outcome.status !== 'CONFIRMED' && !outcome.proofVerified;

/**
 * The proof of wallet a registration must carry (program `registrationProof: required`): shape and expiry
 * only — microseconds. The EIP-712 signature is verified before any gas is spent, by the mint worker.
 */
function registrationProofOf(
  body: z.infer<typeof ZRegisterRequest>,
  wallet: Address,
): TRegistrationProofPayload {
  if (body.signature === undefined || body.expiresAt === undefined) {
    throw new AppError(
      'REGISTRATION_SIGNATURE_REQUIRED',
      `this program requires ${wallet}'s EIP-712 signature of the registration in body.signature and body.expiresAt`,
      { details: { field: body.signature === undefined ? 'body.signature' : 'body.expiresAt', wallet } },
    );
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (body.expiresAt <= nowSeconds) {
    throw new AppError(
      'REGISTRATION_SIGNATURE_EXPIRED',
      `body.expiresAt ${body.expiresAt} has passed; sign again`,
      {
        details: { field: 'body.expiresAt', wallet },
      },
    );
  }
  if (
    body.expiresAt >
    nowSeconds + REGISTRATION_PROOF_TTL_SECONDS_MAX + REGISTRATION_PROOF_CLOCK_SKEW_SECONDS
  ) {
    throw new AppError(
      'VALIDATION_FAILED',
      `body.expiresAt is more than ${REGISTRATION_PROOF_TTL_SECONDS_MAX} s ahead`,
      { details: { field: 'body.expiresAt', wallet } },
    );
  }
  return {
    signature: body.signature.toLowerCase() as Hex,
    expiresAt: body.expiresAt,
    referral: body.ref ?? '',
  };
}

/** Clock difference between a wallet's device and the API tolerated on a signature's expiry. */
const REGISTRATION_PROOF_CLOCK_SKEW_SECONDS = 300;

async function assertAllowlisted(db: TDb, programId: string, wallet: Address) {
  const listed = await db
    .selectFrom('program_allowlist')
    .select('wallet')
    .where('program_id', '=', programId)
    .where('wallet', '=', wallet)
    .executeTakeFirst();
  if (!listed) {
    throw new AppError('NOT_ALLOWLISTED', `${wallet} is not on this program's allowlist`, {
      details: { field: 'body.wallet', wallet },
    });
  }
}

const challengeUnavailable = () =>
  new AppError(
    'DEPENDENCY_UNAVAILABLE',
    'this program requires a proof-of-work challenge, but ALTCHA_HMAC_KEY is not configured',
  );
const ZProgramParams = z.object({ programId: z.uuid() });

/**
 * Registration (SPEC §6): POST /api/register (default program, or ?programId=) and its program-aware twin
 * POST /api/v2/programs/:programId/register; GET /api/status?wallet=; GET /api/intents/:id.
 * Rate limits: per client IP (global) and per wallet (REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE), both in
 * Redis in Real mode so they hold across replicas.
 */
export function registerRegistrationRoutes(app: TApp, runtime: TRuntime) {
  const { db } = runtime.database;
  const programs = new ProgramCache(db);
  const wakeRegisterWorkers = throttledRegisterWake(runtime.queue);
  const writer = new RegistrationWriter(db, () => {
    wakeRegisterWorkers().catch((error: unknown) =>
      // Committed anyway: the sweeper dispatches it within SWEEP_INTERVAL_MS.
      runtime.logger.warn({ err: error }, 'could not wake the mint workers; the sweeper will'),
    );
  });
  // Graceful stop: accepted requests finish writing before the database is closed.
  app.addHook('onClose', async () => writer.drain());
  // The per-wallet limit runs beside the global per-IP one, in our rate-limit store (shared through Redis in
  // Real mode, in this process in Mock mode). It asks the store directly: the store answers synchronously, and
  // `app.createRateLimit()`'s chain of promises cost several µs of the ~110 µs of accepting a registration.
  // The request that creates the wallet's registration gives its count back (see `register`): the limit is on
  // repeats, and a stream of fresh wallets costs Redis nothing.
  const walletLimitMax = runtime.config.http.registerRateLimitPerWalletPerMinute;
  const walletStore = new (sharedRateLimitStore(
    runtime.redis,
    rateLimitNamespace(runtime.config.redis.prefix),
  ))({}).child({ routeInfo: {} } as never);
  const perWalletLimit: preHandlerHookHandler = (request, reply, done) => {
    const key = walletLimitKey((request.body as { wallet?: unknown } | undefined)?.wallet);
    walletStore.incr(
      key,
      (error, result) => {
        // A store that fails does not take registration down (skipOnError, as for the per-IP limit).
        if (error || !result || result.current <= walletLimitMax) return done();
        const retryAfterSeconds = Math.ceil(result.ttl / 1000);
        reply.header('retry-after', String(retryAfterSeconds));
        done(
          new AppError(
            'RATE_LIMITED',
            `too many registrations for this wallet; retry in ${retryAfterSeconds} s`,
            {
              details: { field: 'body.wallet', retryAfterSeconds },
            },
          ),
        );
      },
      WALLET_LIMIT_WINDOW_MS,
      walletLimitMax,
    );
  };

  const { chainId } = runtime.chain;
  const register = async (programId: string, body: z.infer<typeof ZRegisterRequest>) => {
    const wallet = checksumAddress(body.wallet);
    const program = await programs.get(programId);
    assertProgramAcceptsIntents(program);
    if (program.allowlist_required) await assertAllowlisted(db, program.id, wallet);
    if (program.challenge_required) {
      const hmacKey = runtime.config.altchaHmacKey;
      if (!hmacKey) throw challengeUnavailable();
      await assertRegistrationChallengeSolved(hmacKey, wallet, body.altcha);
    }
    if (program.payment_required && !(await hasPaid(db, program.id, wallet))) {
      throw new AppError(
        'PAYMENT_REQUIRED',
        `program "${program.slug}" requires a payment before registration`,
        {
          details: { programId: program.id, wallet },
        },
      );
    }
    // Cheap checks only: the signature itself is verified by the mint worker before any gas is spent. After the
    // gates, so a wallet outside them learns why (allowlist, challenge, payment) before being asked to sign.
    const proof = program.registration_proof === 'required' ? registrationProofOf(body, wallet) : null;
    const ref =
      body.ref === undefined
        ? null
        : isAddress(body.ref, { strict: false })
          ? checksumAddress(body.ref)
          : body.ref;
    const outcome = await writer.submit({ programId: program.id, wallet, ref, proof });
    if (outcome.created) {
      runtime.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'PENDING' });
      walletStore.release(walletLimitKey(body.wallet));
    }
    if (proof && proof.signature !== outcome.storedSignature && awaitsValidProof(outcome)) {
      return await keepIfValid(program.id, wallet, ref, proof, outcome);
    }
    return outcome;
  };

  /**
   * A request whose signature is not the one kept in the wallet's unverified (or signature-failed) intent:
   * it could be the owner's after a forger's, so it is verified here (the rare repeat path, not the hot
   * one). Invalid: 403 and nothing written. Valid: kept beside the first (see registration-candidates.ts).
   */
  const keepIfValid = async (
    programId: string,
    wallet: Address,
    ref: string | null,
    proof: TRegistrationProofPayload,
    outcome: TRegistrationOutcome,
  ): Promise<TRegistrationOutcome> => {
    const valid = await verifyRegistrationProof(runtime.chain.publicClient, {
      ...proof,
      programId,
      wallet,
      chainId,
    });
    if (!valid) {
      throw new AppError(
        'REGISTRATION_SIGNATURE_INVALID',
        `body.signature is not ${wallet}'s signature of this registration`,
        { details: { field: 'body.signature', wallet } },
      );
    }
    const attribution = await matchReferral(db, programId, wallet, ref);
    const kept = await keepVerifiedRegistration(db, outcome.intentId, { ref, ...attribution, proof });
    if (kept !== 'RESTARTED') return outcome;
    wakeRegisterWorkers().catch(() => undefined);
    return { ...outcome, status: 'PENDING', reason: null, tokenId: null, txHash: null };
  };

  const respond = (outcome: TRegistrationOutcome): { code: 200 | 202; body: TRegisterResponse } => {
    const body: TRegisterResponse = {
      intentId: outcome.intentId,
      status: outcome.status,
      wallet: outcome.wallet,
    };
    if (outcome.tokenId !== null) body.tokenId = outcome.tokenId.toString();
    if (outcome.txHash) body.txHash = outcome.txHash;
    if (outcome.reason) body.reason = outcome.reason;
    const final = outcome.status === 'CONFIRMED' || outcome.status === 'FAILED';
    return { code: final ? 200 : 202, body };
  };

  // The register routes' answers are built by `respond` (typed TRegisterResponse) and serialized as they are:
  // checking each against ZRegisterResponse on the way out (the zod type provider's serializer) cost ~8 µs of
  // the ~88 µs of CPU of accepting a registration (two API trees served at once under the same load). The
  // schema still documents the response (OpenAPI), and the tests parse every answer with it.
  const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

  const schema = {
    tags: ['public'],
    summary: 'Register a wallet for an SGE-ID (gasless mint by the relayer)',
    description:
      '202 with the intent once it is committed; 200 with tokenId and txHash when the wallet already has its SGE-ID. ' +
      'Idempotent per (program, wallet); honours Idempotency-Key.',
    body: ZRegisterRequest,
    response: {
      200: ZRegisterResponse,
      202: ZRegisterResponse,
      401: ZErrorResponse,
      402: ZErrorResponse,
      403: ZErrorResponse,
      409: ZErrorResponse,
    },
  };

  app.get(
    '/api/register/challenge',
    {
      schema: {
        tags: ['public'],
        summary: 'A proof-of-work challenge (ALTCHA) for registering this wallet in a program with that gate',
        querystring: z.object({ wallet: ZWalletInput }),
      },
    },
    async (request) => {
      const hmacKey = runtime.config.altchaHmacKey;
      if (!hmacKey) throw challengeUnavailable();
      return await createRegistrationChallenge(hmacKey, checksumAddress(request.query.wallet));
    },
  );

  app.post(
    '/api/register',
    {
      schema: { ...schema, querystring: ZProgramQuery },
      config: { idempotency: true },
      preHandler: perWalletLimit,
      serializerCompiler,
    },
    async (request, reply) => {
      const { code, body } = respond(
        await register(request.query.programId ?? DEFAULT_PROGRAM_ID, request.body),
      );
      return reply.status(code).send(body);
    },
  );

  app.post(
    '/api/v2/programs/:programId/register',
    {
      schema: { ...schema, params: ZProgramParams },
      config: { idempotency: true },
      preHandler: perWalletLimit,
      serializerCompiler,
    },
    async (request, reply) => {
      const { code, body } = respond(await register(request.params.programId, request.body));
      return reply.status(code).send(body);
    },
  );

  app.get(
    '/api/status',
    {
      schema: {
        tags: ['public'],
        summary: 'Registration, payment and claim state of a wallet',
        querystring: z.object({ wallet: ZWalletInput, programId: z.uuid().optional() }),
        response: { 200: ZWalletStatus },
      },
    },
    async (request) => {
      const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
      return await getWalletStatus(db, program, getAddress(request.query.wallet) as Address, {
        explorerUrl: runtime.explorerUrl,
        sgeIdAddress: runtime.contracts.sgeId,
      });
    },
  );

  app.get(
    '/api/intents/:intentId',
    {
      schema: {
        tags: ['public'],
        summary: 'An intent by id (as returned by POST /api/register)',
        params: z.object({ intentId: z.uuid() }),
        response: { 200: ZIntentView },
      },
    },
    async (request) => {
      const intent = await getIntentView(db, request.params.intentId, runtime.explorerUrl);
      if (!intent) throw new AppError('NOT_FOUND', `intent ${request.params.intentId} not found`);
      return intent;
    },
  );
}
