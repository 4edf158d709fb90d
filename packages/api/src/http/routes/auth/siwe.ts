import {
  DEFAULT_PROGRAM_ID,
  ZSiweNonceRequest,
  ZSiweNonceResponse,
  ZSiweVerifyRequest,
  ZSiweVerifyResponse,
} from '@sge/shared';
import type { Hex } from 'viem';
import { z } from 'zod';
import { getAffiliateProfile } from '../../../domain/affiliates/affiliate-profile';
import { findAffiliateByWallet } from '../../../domain/affiliates/lookup-affiliate';
import {
  endAffiliateSession,
  endWalletSessions,
  issueSiweNonce,
  signInWithEthereum,
} from '../../../domain/auth/sign-in-with-ethereum';
import type { TRuntime } from '../../../runtime';
import { affiliateSessionOf, authGuards } from '../../plugins/auth';
import type { TApp } from '../../server';

/** Sign-In with Ethereum (EIP-4361) for affiliates: nonce, verify → session token, sign out. */
export function registerAuthRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  const appOrigin = runtime.config.http.appOrigins[0] ?? 'http://localhost:5173';
  const allowedDomains = runtime.config.http.appOrigins.map((origin) => new URL(origin).host);
  const allowedOrigins = runtime.config.http.appOrigins.map((origin) => new URL(origin).origin);

  app.post(
    '/api/auth/siwe/nonce',
    {
      schema: {
        tags: ['public'],
        summary: 'A single-use nonce for a Sign-In with Ethereum message (valid 10 minutes)',
        body: ZSiweNonceRequest,
        response: { 200: ZSiweNonceResponse },
      },
    },
    async (request) => {
      const programId = request.body.programId ?? DEFAULT_PROGRAM_ID;
      const { nonce, expiresAt } = await issueSiweNonce(db, programId);
      return { nonce, expiresAt: expiresAt.toISOString(), programId, chainId: runtime.chain.chainId };
    },
  );

  app.post(
    '/api/auth/siwe/verify',
    {
      schema: {
        tags: ['public'],
        summary: 'Verify a signed Sign-In with Ethereum message and open an affiliate session',
        body: ZSiweVerifyRequest,
        response: { 200: ZSiweVerifyResponse },
      },
    },
    async (request) => {
      const { token, session } = await signInWithEthereum(
        db,
        {
          verifySiweMessage: (input) => runtime.chain.publicClient.verifySiweMessage(input),
          chainId: runtime.chain.chainId,
          allowedDomains,
          allowedOrigins,
        },
        { message: request.body.message, signature: request.body.signature as Hex },
      );
      const affiliate = await findAffiliateByWallet(db, session.program_id, session.wallet);
      return {
        token,
        expiresAt: session.expires_at.toISOString(),
        wallet: session.wallet,
        programId: session.program_id,
        affiliate: affiliate ? await getAffiliateProfile(db, affiliate, appOrigin) : null,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: guards.affiliate,
      schema: {
        tags: ['affiliate'],
        summary: 'End my session',
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      await endAffiliateSession(db, affiliateSessionOf(request).sessionId);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/auth/sign-out-everywhere',
    {
      onRequest: guards.affiliate,
      schema: {
        tags: ['affiliate'],
        summary: 'End every session of my wallet, in every program (this one included)',
        response: { 200: z.object({ ok: z.literal(true), ended: z.number().int().nonnegative() }) },
      },
    },
    async (request) => {
      const ended = await endWalletSessions(db, affiliateSessionOf(request).wallet);
      return { ok: true as const, ended };
    },
  );
}
