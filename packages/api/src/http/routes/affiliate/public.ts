import {
  DEFAULT_PROGRAM_ID,
  ZAffiliateLookup,
  ZAffiliateLookupQuery,
  ZAffiliateProfile,
  ZRegisterAffiliateRequest,
} from '@sge/shared';
import type { Hex } from 'viem';
import { getAffiliateProfile } from '../../../domain/affiliates/affiliate-profile';
import { findAffiliateByCode } from '../../../domain/affiliates/lookup-affiliate';
import { registerAffiliate } from '../../../domain/affiliates/register-affiliate';
import { AppError } from '../../../domain/app-error';
import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';

/** Public affiliate endpoints: register (signed terms) and referral code lookup. */
export function registerPublicAffiliateRoutes(app: TApp, runtime: TRuntime) {
  const { db } = runtime.database;
  const appOrigin = runtime.config.http.appOrigins[0] ?? 'http://localhost:5173';

  const termsDomains = runtime.config.http.appOrigins.map((origin) => new URL(origin).host);
  app.post(
    '/api/affiliates/register',
    {
      schema: {
        tags: ['public'],
        summary:
          'Register a wallet as an affiliate: the body carries its signature of affiliateTermsMessage (201; 200 when already registered the same way)',
        body: ZRegisterAffiliateRequest,
        response: { 200: ZAffiliateProfile, 201: ZAffiliateProfile },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { affiliate, created } = await registerAffiliate(
        db,
        (input) => runtime.chain.publicClient.verifyMessage(input),
        { chainId: runtime.chain.chainId, domains: termsDomains },
        {
          programId: body.programId ?? DEFAULT_PROGRAM_ID,
          wallet: body.wallet,
          code: body.code,
          parentCode: body.parentCode ?? null,
          signature: body.signature as Hex,
        },
      );
      return reply.status(created ? 201 : 200).send(await getAffiliateProfile(db, affiliate, appOrigin));
    },
  );

  app.get(
    '/api/affiliates/lookup',
    {
      schema: {
        tags: ['public'],
        summary: 'Whether a referral code exists and is active (no wallet is revealed)',
        querystring: ZAffiliateLookupQuery,
        response: { 200: ZAffiliateLookup },
      },
    },
    async (request) => {
      const programId = request.query.programId ?? DEFAULT_PROGRAM_ID;
      const affiliate = await findAffiliateByCode(db, programId, request.query.code);
      if (!affiliate) throw new AppError('NOT_FOUND', `no affiliate has the code "${request.query.code}"`);
      return { code: affiliate.code, programId, active: affiliate.status === 'ACTIVE' };
    },
  );
}
