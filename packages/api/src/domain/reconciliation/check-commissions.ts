import { COMMISSION_LEVELS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { ACCOUNTS, COMMISSION_CURRENCY } from '../ledger/accounts';
import {
  checkCommissionsOf,
  groupBy,
  type TChainRow,
  type TCommissionRow,
  type TRevenueSettlement,
} from './check-commissions-of';
import { createTimeSlicer, FindingList, type TReconciliationCheck } from './check-context';
import {
  COMMISSION_ACCRUAL_GRACE_MS,
  COMMISSION_BATCH_SIZE,
  COMMISSION_SETTLEMENTS_PER_RUN_MAX,
  RECHECK_MINUTES_DEFAULT,
  RUN_SLICE_MS,
} from './reconciliation-limits';
import { after, readWatermark, type TWatermark, writeWatermark } from './watermarks';

const NAME = 'commissions';

/**
 * Commissions consistent with their settlements and the program's rates, recomputed with splitCommissions
 * (the function that accrued them) for revenue settlements (CLAIM and COMMERCE_PAYMENT, whatever their
 * currency), in (created_at, id) order: INCREMENTAL reads those after the watermark and the
 * RECONCILIATION_RECHECK_MINUTES before it (commissions changed since, rows committed late), at most
 * COMMISSION_SETTLEMENTS_PER_RUN_MAX; FULL reads all of them with progress. The watermark moves only over
 * settlements older than the accrual grace, so one not accrued yet is read again until it is overdue.
 * - the revenue ledger transaction `settlement:<id>` debits the treasury by the settlement amount;
 * - a settlement whose payer has a referrer was accrued (within COMMISSION_ACCRUAL_GRACE_MS);
 * - each commission is on the affiliate at its level of the payer's referring chain, its base is the
 *   settlement amount, its rate the program's rate for its level (a WARN when the program changed since the
 *   settlement: rates apply to settlements after the change), its amount the recomputed share, in USD, and its
 *   ledger transaction `commission:<id>` books exactly that amount; the commissions never exceed the base;
 * - a level whose affiliate has been ACTIVE since before the settlement has its commission.
 */
export const checkCommissions: TReconciliationCheck = {
  name: 'commissions',
  async run(context) {
    // History is read from the read database (a replica when configured); watermarks live on the primary.
    const { db: primary, readDb: db, now } = context;
    const full = context.run?.mode === 'FULL';
    const findings = new FindingList();
    const slicer = createTimeSlicer(RUN_SLICE_MS);
    const accrualDeadline = new Date(now().getTime() - COMMISSION_ACCRUAL_GRACE_MS);
    const since = full ? null : await readWatermark(primary, NAME);
    const recheckMs = (context.recheckMinutes ?? RECHECK_MINUTES_DEFAULT) * 60_000;
    const perRunMax = full ? Number.POSITIVE_INFINITY : COMMISSION_SETTLEMENTS_PER_RUN_MAX;
    const total = full
      ? Number(
          (
            await sql<{ n: number }>`
              SELECT count(*)::int8 AS n FROM settlements WHERE kind IN ('CLAIM', 'COMMERCE_PAYMENT')`.execute(
              db,
            )
          ).rows[0]?.n ?? 0,
        )
      : null;
    let checked = 0;
    let commissionCount = 0;
    let more = false;
    let cursor: TWatermark | null = null;
    let mark: TWatermark | null = since;
    while (checked < perRunMax) {
      const limit = Math.min(COMMISSION_BATCH_SIZE, perRunMax - checked);
      const page: { rows: TRevenueSettlement[] } = await sql<TRevenueSettlement>`
        SELECT s.id, s.program_id, p.slug AS program_slug, p.commission_levels_bps AS levels,
               p.updated_at AS program_updated_at, s.wallet, s.amount, s.currency, s.created_at,
               s.created_at::text AS created_at_text, ${after('s', since, 0)} AS is_new,
               s.commissions_accrued_at,
               (SELECT sum(e.amount) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                 WHERE t.program_id = s.program_id AND t.reference = 'settlement:' || s.id::text
                   AND e.account = ${ACCOUNTS.treasury} AND e.currency = s.currency) AS revenue_entry
          FROM settlements s JOIN programs p ON p.id = s.program_id
         WHERE s.kind IN ('CLAIM', 'COMMERCE_PAYMENT')
           AND ${cursor ? after('s', cursor, 0) : after('s', since, recheckMs)}
         ORDER BY s.created_at, s.id
         LIMIT ${limit}`.execute(db);
      if (page.rows.length === 0) break;
      checked += page.rows.length;
      const last: TRevenueSettlement = page.rows[page.rows.length - 1]!;
      cursor = { createdAt: last.created_at_text, id: last.id };
      for (const row of page.rows) {
        if (row.is_new && row.created_at < accrualDeadline)
          mark = { createdAt: row.created_at_text, id: row.id };
      }
      const ids = page.rows.map((row: TRevenueSettlement) => row.id);

      const commissions = await sql<TCommissionRow>`
        SELECT c.id, c.settlement_id, c.affiliate_id, c.level, c.rate_bps, c.base_amount, c.amount, c.currency,
               c.status,
               (SELECT sum(e.amount) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                 WHERE t.program_id = c.program_id AND t.reference = 'commission:' || c.id::text
                   AND e.account = ${ACCOUNTS.commissionExpense} AND e.currency = ${COMMISSION_CURRENCY}
                   AND e.amount > 0) AS ledger_amount
          FROM commissions c WHERE c.settlement_id = ANY(${ids}::uuid[])
         ORDER BY c.settlement_id, c.level`.execute(db);
      commissionCount += commissions.rows.length;
      const chains = await sql<TChainRow>`
        WITH RECURSIVE chain AS (
          SELECT s.id AS settlement_id, 1 AS level, a.id AS affiliate_id, a.parent_id, a.status, a.updated_at
            FROM settlements s
            JOIN users u ON u.program_id = s.program_id AND u.wallet = s.wallet
            JOIN affiliates a ON a.id = u.referred_by_affiliate_id
           WHERE s.id = ANY(${ids}::uuid[])
          UNION ALL
          SELECT chain.settlement_id, chain.level + 1, parent.id, parent.parent_id, parent.status, parent.updated_at
            FROM chain JOIN affiliates parent ON parent.id = chain.parent_id
           WHERE chain.level < ${COMMISSION_LEVELS_MAX}
        )
        SELECT settlement_id, level, affiliate_id, status, updated_at FROM chain
         ORDER BY settlement_id, level`.execute(db);

      const commissionsOf = groupBy(commissions.rows, (row) => row.settlement_id);
      const chainOf = groupBy(chains.rows, (row) => row.settlement_id);
      for (const settlement of page.rows) {
        checkCommissionsOf(
          findings,
          settlement,
          commissionsOf.get(settlement.id) ?? [],
          chainOf.get(settlement.id) ?? [],
          accrualDeadline,
        );
        await slicer.maybeYield();
      }
      await context.run?.progress(checked, total);
      if (page.rows.length < limit) break;
      if (checked >= perRunMax) more = true;
    }
    if (mark !== since && mark) await writeWatermark(primary, NAME, mark, context.run?.id ?? null);
    return {
      summary:
        findings.count === 0
          ? `${commissionCount} commission(s) of ${checked} revenue settlement(s) match their settlements and rates`
          : `${findings.count} commission problem(s) in ${checked} revenue settlement(s)`,
      figures: {
        mode: full ? 'FULL' : 'INCREMENTAL',
        watermark: mark,
        checkedSettlements: checked,
        checkedCommissions: commissionCount,
        moreLeft: more,
      },
      findings,
    };
  },
};
