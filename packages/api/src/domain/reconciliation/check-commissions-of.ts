import { BPS_DENOMINATOR } from '@sge/shared';
import { splitCommissions, type TChainLink } from '../commissions/split-commissions';
import { COMMISSION_CURRENCY } from '../ledger/accounts';
import type { FindingList } from './check-context';

export type TRevenueSettlement = {
  id: string;
  program_id: string;
  program_slug: string;
  levels: number[];
  program_updated_at: Date;
  wallet: string | null;
  amount: bigint;
  currency: string;
  created_at: Date;
  created_at_text: string;
  /** After the watermark (not a row of the re-check window). */
  is_new: boolean;
  commissions_accrued_at: Date | null;
  revenue_entry: bigint | null;
};

export type TCommissionRow = {
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

export type TChainRow = {
  settlement_id: string;
  level: number;
  affiliate_id: string;
  status: TChainLink['status'];
  updated_at: Date;
};

/** The findings of one revenue settlement: its revenue entry, accrual and each commission against the recomputed split. */
export function checkCommissionsOf(
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

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
