import {
  ZLedgerBalances,
  ZLedgerBalancesQuery,
  ZLedgerEntriesQuery,
  ZLedgerEntry,
  ZLedgerVerification,
  ZLedgerVerifyQuery,
  ZPage,
  ZPageQuery,
} from '@sge/shared';
import type { z } from 'zod';
import { listAccountBalances } from '../../../domain/ledger/get-balances';
import { listLedgerEntries } from '../../../domain/ledger/list-ledger-entries';
import { verifyLedger } from '../../../domain/ledger/verify-ledger';
import { getProgram } from '../../../domain/programs/get-program';
import type { TRuntime } from '../../../runtime';
import { adminOf, authGuards, programOf } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/** The ledger of one program (default: the default program): accounts, balances (as of), entries, verify. */
export function registerAdminLedgerRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  const { db } = runtime.database;
  // Lists, stats and exports: the read replica when there is one (db/read-db.ts).
  const readDb = runtime.readDatabase.db;

  const balances = async (
    principal: ReturnType<typeof adminOf>,
    query: z.infer<typeof ZLedgerBalancesQuery>,
  ): Promise<z.infer<typeof ZLedgerBalances>> => {
    const programId = programOf(principal, query.programId);
    await getProgram(db, programId);
    const asOf = query.asOf ? new Date(query.asOf) : null;
    const rows = await listAccountBalances(readDb, {
      programId,
      asOf,
      account: query.account ?? null,
      currency: query.currency ?? null,
      afterAccount: query.afterAccount ?? null,
      limit: query.limit,
    });
    return {
      programId,
      asOf: asOf?.toISOString() ?? null,
      balances: rows.map((row) => ({ ...row, balance: row.balance.toString() })),
    };
  };

  app.get(
    '/api/admin/ledger/accounts',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Every account of a program with its balance per currency (pages of accounts, by name)',
        security,
        querystring: ZLedgerBalancesQuery.pick({ programId: true, limit: true, afterAccount: true }),
        response: { 200: ZLedgerBalances },
      },
    },
    async (request) => await balances(adminOf(request), request.query),
  );

  app.get(
    '/api/admin/ledger/balances',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Balances of a program’s accounts, filtered by account and currency, optionally as of a past time',
        security,
        querystring: ZLedgerBalancesQuery,
        response: { 200: ZLedgerBalances },
      },
    },
    async (request) => await balances(adminOf(request), request.query),
  );

  app.get(
    '/api/admin/ledger/entries',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary: 'Ledger entries with their transaction (newest first)',
        security,
        querystring: ZLedgerEntriesQuery.extend(ZPageQuery.shape),
        response: { 200: ZPage(ZLedgerEntry) },
      },
    },
    async (request) => {
      const { query } = request;
      const programId = programOf(adminOf(request), query.programId);
      await getProgram(db, programId);
      return await listLedgerEntries(readDb, {
        ...query,
        programId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      });
    },
  );

  app.get(
    '/api/admin/ledger/verify',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['admin'],
        summary:
          'Verify a program’s ledger: balanced per transaction and currency, payables match commissions, maintained balances match entries (incremental since the latest checkpoint; full=true recomputes everything)',
        security,
        querystring: ZLedgerVerifyQuery,
        response: { 200: ZLedgerVerification },
      },
    },
    async (request) => {
      const programId = programOf(adminOf(request), request.query.programId);
      await getProgram(db, programId);
      const report = await verifyLedger(readDb, programId, {
        mode: request.query.full === 'true' ? 'full' : 'incremental',
      });
      return {
        ...report,
        since: report.since?.toISOString() ?? null,
        checkedAt: report.checkedAt.toISOString(),
        totals: report.totals.map((row) => ({ ...row, sum: row.sum.toString() })),
        unbalancedTransactions: report.unbalancedTransactions.map((row) => ({
          ...row,
          sum: row.sum.toString(),
        })),
        payoutClearing: {
          usd: report.payoutClearing.usd.toString(),
          usdc: report.payoutClearing.usdc.toString(),
          matches: report.payoutClearing.matches,
        },
        payableMismatches: report.payableMismatches.map((row) => ({
          affiliateId: row.affiliateId,
          ledgerBalance: row.ledgerBalance.toString(),
          expectedBalance: row.expectedBalance.toString(),
        })),
        balanceMismatches: report.balanceMismatches.map((row) => ({
          ...row,
          maintained: row.maintained.toString(),
          fromEntries: row.fromEntries.toString(),
        })),
      };
    },
  );
}
