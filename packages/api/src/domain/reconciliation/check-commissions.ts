import { BPS_DENOMINATOR, COMMISSION_LEVELS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { splitCommissions, type TChainLink } from '../commissions/split-commissions';
import { ACCOUNTS, COMMISSION_CURRENCY } from '../ledger/accounts';
import { FindingList, type TReconciliationCheck } from './check-context';
import {
  COMMISSION_ACCRUAL_GRACE_MS,
  COMMISSION_BATCH_SIZE,
  COMMISSION_SETTLEMENTS_PER_RUN_MAX,
} from './reconciliation-limits';

type TRevenueSettlement = {
  id: string;
  program_id: string;
  program_slug: string;
  levels: number[];
  program_updated_at: Date;
  wallet: string | null;
  amount: bigint;
  currency: string;
  created_at: Date;
  commissions_accrued_at: Date | null;
  revenue_entry: bigint | null;
};

type TCommissionRow = {
  id: string;
  settlement_id: string;
  affiliate_id: string;
  level: number;
  rate_bps: number;
  base_amount: bigint;
  amount: bigint;
  currency: string;
  status: string;
  ledger_amount: bigint | null;
};

type TChainRow = {
  settlement_id: string;
  level: number;
  affiliate_id: string;
  status: TChainLink['status'];
  updated_at: Date;
};

/**
 * Commissions consistent with their settlements and the program's rates, recomputed with splitCommissions
 * (the function that accrued them) for the newest COMMISSION_SETTLEMENTS_PER_RUN_MAX revenue settlements
 * (CLAIM and COMMERCE_PAYMENT, whatever their currency):
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
  async run({ readDb: db, now }) {
    const findings = new FindingList();
    const accrualDeadline = new Date(now().getTime() - COMMISSION_ACCRUAL_GRACE_MS);
    let checked = 0;
    let commissionCount = 0;
    let cursor: { createdAt: Date; id: string } | null = null;
    while (checked < COMMISSION_SETTLEMENTS_PER_RUN_MAX) {
      const limit = Math.min(COMMISSION_BATCH_SIZE, COMMISSION_SETTLEMENTS_PER_RUN_MAX - checked);
      const page: { rows: TRevenueSettlement[] } = await sql<TRevenueSettlement>`
        SELECT s.id, s.program_id, p.slug AS program_slug, p.commission_levels_bps AS levels,
               p.updated_at AS program_updated_at, s.wallet, s.amount, s.currency, s.created_at,
               s.commissions_accrued_at,
               (SELECT sum(e.amount) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                 WHERE t.program_id = s.program_id AND t.reference = 'settlement:' || s.id::text
                   AND e.account = ${ACCOUNTS.treasury} AND e.currency = s.currency) AS revenue_entry
          FROM settlements s JOIN programs p ON p.id = s.program_id
         WHERE s.kind IN ('CLAIM', 'COMMERCE_PAYMENT')
           ${cursor ? sql`AND (s.created_at, s.id) < (${cursor.createdAt}, ${cursor.id}::uuid)` : sql``}
         ORDER BY s.created_at DESC, s.id DESC
         LIMIT ${limit}`.execute(db);
      if (page.rows.length === 0) break;
      checked += page.rows.length;
      const last: TRevenueSettlement = page.rows[page.rows.length - 1]!;
      cursor = { createdAt: last.created_at, id: last.id };
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
        checkSettlement(
          findings,
          settlement,
          commissionsOf.get(settlement.id) ?? [],
          chainOf.get(settlement.id) ?? [],
          accrualDeadline,
        );
      }
      if (page.rows.length < limit) break;
    }
    return {
      summary:
        findings.count === 0
          ? `${commissionCount} commission(s) of ${checked} revenue settlement(s) match their settlements and rates`
          : `${findings.count} commission problem(s) in ${checked} revenue settlement(s)`,
      figures: { checkedSettlements: checked, checkedCommissions: commissionCount },
      findings,
    };
  },
};

function checkSettlement(
  findings: FindingList,
  settlement: TRevenueSettlement,
  rows: TCommissionRow[],
  chain: TChainRow[],
  accrualDeadline: Date,
) {
  const subject = `settlement:${settlement.id}`;
  const base = { settlementId: settlement.id, programId: settlement.program_id, amount: settlement.amount };
  // A free claim (amount 0) moves no money: it has no treasury entry.
  if ((settlement.revenue_entry ?? 0n) !== settlement.amount) {
    findings.add({
      kind: settlement.revenue_entry === null ? 'REVENUE_LEDGER_MISSING' : 'REVENUE_LEDGER_MISMATCH',
      severity: 'FAIL',
      subject,
      message: `settlement ${settlement.id} of ${settlement.amount} ${settlement.currency}: the treasury entry of settlement:${settlement.id} is ${settlement.revenue_entry ?? 'missing'}`,
      details: { ...base, ledgerAmount: settlement.revenue_entry },
    });
  }
  if (settlement.commissions_accrued_at === null) {
    if (chain.length > 0 && settlement.created_at < accrualDeadline) {
      findings.add({
        kind: 'NOT_ACCRUED',
        severity: 'FAIL',
        subject,
        message: `settlement ${settlement.id}: its payer has a referrer but no commissions were accrued`,
        details: base,
      });
    }
    return;
  }
  const rowOf = new Map(rows.map((row) => [row.level, row]));
  // The rates the settlement was accrued at: the program's, except where the program changed since and the
  // commission records another rate (rate changes apply to later settlements).
  const programChanged = settlement.program_updated_at > settlement.created_at;
  const rates = settlement.levels.map((bps, index) => {
    const row = rowOf.get(index + 1);
    return row && programChanged ? row.rate_bps : bps;
  });
  // Statuses as at accrual: a level that has a commission was ACTIVE then; the others are as they are now.
  const links: TChainLink[] = chain.map((link) => ({
    affiliateId: link.affiliate_id,
    status: rowOf.get(link.level)?.affiliate_id === link.affiliate_id ? 'ACTIVE' : link.status,
  }));
  let expected: ReturnType<typeof splitCommissions>;
  try {
    expected = splitCommissions(settlement.amount, rates, links);
  } catch (error) {
    findings.add({
      kind: 'RATES_INVALID',
      severity: 'FAIL',
      subject,
      message: `settlement ${settlement.id}: commissions cannot be recomputed: ${(error as Error).message}`,
      details: { ...base, rates },
    });
    return;
  }
  const expectedOf = new Map(expected.commissions.map((share) => [share.level, share]));
  for (const row of rows) {
    const details = { ...base, commissionId: row.id, level: row.level, affiliateId: row.affiliate_id };
    const share = expectedOf.get(row.level);
    const link = chain[row.level - 1];
    if (!link || link.affiliate_id !== row.affiliate_id) {
      findings.add({
        kind: 'WRONG_AFFILIATE',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id} (level ${row.level}) is for affiliate ${row.affiliate_id}; level ${row.level} of the payer's referring chain is ${link?.affiliate_id ?? 'nobody'}`,
        details: { ...details, chainAffiliateId: link?.affiliate_id ?? null },
      });
      continue;
    }
    if (row.base_amount !== settlement.amount) {
      findings.add({
        kind: 'BASE_MISMATCH',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id}: base ${row.base_amount}, the settlement is ${settlement.amount}`,
        details: { ...details, baseAmount: row.base_amount },
      });
    }
    const programRate = settlement.levels[row.level - 1] ?? 0;
    if (row.rate_bps !== programRate) {
      findings.add({
        kind: 'RATE_MISMATCH',
        severity: programChanged ? 'WARN' : 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id}: ${row.rate_bps} bps at level ${row.level}; program ${settlement.program_slug} pays ${programRate} bps${programChanged ? ' (the program changed after this settlement)' : ''}`,
        details: { ...details, rateBps: row.rate_bps, programRateBps: programRate },
      });
    }
    const expectedAmount =
      share?.amount ?? (settlement.amount * BigInt(row.rate_bps)) / BigInt(BPS_DENOMINATOR);
    if (row.amount !== expectedAmount) {
      findings.add({
        kind: 'AMOUNT_MISMATCH',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id}: ${row.amount} ${row.currency}, recomputed ${expectedAmount} (${row.rate_bps} bps of ${settlement.amount})`,
        details: { ...details, commissionAmount: row.amount, expectedAmount },
      });
    }
    if (row.currency !== COMMISSION_CURRENCY) {
      findings.add({
        kind: 'WRONG_CURRENCY',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id} is in ${row.currency}; commissions are in ${COMMISSION_CURRENCY}`,
        details,
      });
    }
    if (row.ledger_amount !== row.amount) {
      findings.add({
        kind: row.ledger_amount === null ? 'COMMISSION_LEDGER_MISSING' : 'COMMISSION_LEDGER_MISMATCH',
        severity: 'FAIL',
        subject: `commission:${row.id}`,
        message: `commission ${row.id} of ${row.amount}: commission_expense in commission:${row.id} is ${row.ledger_amount ?? 'missing'}`,
        details: { ...details, ledgerAmount: row.ledger_amount },
      });
    }
  }
  for (const share of expected.commissions) {
    if (rowOf.has(share.level)) continue;
    const link = chain[share.level - 1]!;
    if (link.updated_at > settlement.created_at) continue; // its status may have changed since the accrual
    findings.add({
      kind: 'MISSING_COMMISSION',
      severity: 'FAIL',
      subject,
      message: `settlement ${settlement.id}: level ${share.level} affiliate ${share.affiliateId} (ACTIVE) should have earned ${share.amount} USD`,
      details: { ...base, level: share.level, affiliateId: share.affiliateId, expectedAmount: share.amount },
    });
  }
  const total = rows.filter((row) => row.status !== 'CANCELLED').reduce((sum, row) => sum + row.amount, 0n);
  if (total > settlement.amount) {
    findings.add({
      kind: 'OVERPAID',
      severity: 'FAIL',
      subject,
      message: `settlement ${settlement.id}: commissions total ${total}, more than the settlement's ${settlement.amount}`,
      details: { ...base, commissionsTotal: total },
    });
  }
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
