import {
  ZAffiliatePayout,
  ZAffiliateProfile,
  ZAffiliateStatement,
  ZAffiliateStats,
  ZCommission,
  ZCommissionStatus,
  ZDateRangeQuery,
  ZDownline,
  ZPage,
  ZPageQuery,
  ZStatementQuery,
} from '@sge/shared';
import { z } from 'zod';
import { getAffiliateProfile } from '../../../domain/affiliates/affiliate-profile';
import { affiliateStatement } from '../../../domain/affiliates/affiliate-statement';
import { affiliateStats } from '../../../domain/affiliates/affiliate-stats';
import { getDownline } from '../../../domain/affiliates/get-downline';
import { AppError } from '../../../domain/app-error';
import { listCommissions } from '../../../domain/commissions/list-commissions';
import { listAffiliatePayouts } from '../../../domain/payouts/payout-batch-views';
import type { TRuntime } from '../../../runtime';
import { sendCsv, toCsv } from '../../csv';
import { authGuards, currentAffiliate } from '../../plugins/auth';
import type { TApp } from '../../server';

/** An affiliate's own data, behind a Sign-In with Ethereum session: nobody else's is reachable from here. */
export function registerAffiliateSelfRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  const appOrigin = runtime.config.http.appOrigins[0] ?? 'http://localhost:5173';
  const tags = ['affiliate'];

  app.get(
    '/api/affiliate/me',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My profile, referral link and balances',
        response: { 200: ZAffiliateProfile },
      },
    },
    async (request) => await getAffiliateProfile(db, await currentAffiliate(runtime, request), appOrigin),
  );

  app.get(
    '/api/affiliate/downline',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My downline (affiliates below me), parents first',
        response: { 200: ZDownline },
      },
    },
    async (request) => await getDownline(db, (await currentAffiliate(runtime, request)).id),
  );

  app.get(
    '/api/affiliate/stats',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My referrals and commissions per day',
        querystring: ZDateRangeQuery,
        response: { 200: ZAffiliateStats },
      },
    },
    async (request) => await affiliateStats(db, (await currentAffiliate(runtime, request)).id, request.query),
  );

  app.get(
    '/api/affiliate/commissions',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My commissions (newest first)',
        querystring: ZPageQuery.extend({ status: ZCommissionStatus.optional() }),
        response: { 200: ZPage(ZCommission) },
      },
    },
    async (request) => {
      const affiliate = await currentAffiliate(runtime, request);
      return await listCommissions(db, {
        programId: affiliate.program_id,
        affiliateId: affiliate.id,
        status: request.query.status,
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/api/affiliate/payouts',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My payouts with their transactions',
        querystring: ZPageQuery,
        response: { 200: ZPage(ZAffiliatePayout) },
      },
    },
    async (request) => {
      const affiliate = await currentAffiliate(runtime, request);
      return await listAffiliatePayouts(
        db,
        { affiliateId: affiliate.id, limit: request.query.limit, cursor: request.query.cursor },
        runtime.explorerUrl,
      );
    },
  );

  app.get(
    '/api/affiliate/payouts/:payoutId',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'One of my payouts',
        params: z.object({ payoutId: z.uuid() }),
        response: { 200: ZAffiliatePayout },
      },
    },
    async (request) => {
      const affiliate = await currentAffiliate(runtime, request);
      const page = await listAffiliatePayouts(
        db,
        { affiliateId: affiliate.id, payoutId: request.params.payoutId, limit: 1 },
        runtime.explorerUrl,
      );
      const payout = page.items[0];
      if (!payout) throw new AppError('NOT_FOUND', `payout ${request.params.payoutId} not found`);
      return payout;
    },
  );

  app.get(
    '/api/affiliate/statement',
    {
      onRequest: guards.affiliate,
      schema: {
        tags,
        summary: 'My statement for a date range (format=csv for a spreadsheet)',
        querystring: ZStatementQuery,
        response: { 200: ZAffiliateStatement },
      },
    },
    async (request, reply) => {
      const affiliate = await currentAffiliate(runtime, request);
      const statement = await affiliateStatement(db, affiliate, request.query);
      if (request.query.format === 'json') return statement;
      const csv = toCsv(
        ['at', 'reference', 'kind', 'description', 'amount_micro_usd', 'balance_micro_usd'],
        [
          [statement.from, 'opening balance', '', '', null, BigInt(statement.openingBalance)],
          ...statement.lines.map((line) => [
            line.at,
            line.reference,
            line.kind,
            line.description,
            BigInt(line.amount),
            BigInt(line.balance),
          ]),
          [statement.to, 'closing balance', '', '', null, BigInt(statement.closingBalance)],
        ],
      );
      return sendCsv(reply, `statement-${statement.code}-${statement.from}-${statement.to}.csv`, csv);
    },
  );
}
