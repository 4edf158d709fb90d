import { assert, COMMISSION_LEVELS_MAX } from '@sge/shared';
import { type Selectable, sql } from 'kysely';
import type { CommissionsTable, SettlementsTable } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';
import {
  ACCOUNTS,
  affiliatePayableAccount,
  COMMISSION_CURRENCY,
  REVENUE_CURRENCIES,
} from '../ledger/accounts';
import { postLedgerTransactions } from '../ledger/post-ledger-transaction';
import { splitCommissions, type TChainLink, type TCommissionSplit } from './split-commissions';

export type TCommissionRow = Selectable<CommissionsTable>;
export type TSettlementRow = Selectable<SettlementsTable>;

export type TAccrual = {
  commissions: TCommissionRow[];
  /** The split behind them (empty when the settlement had been accrued already or has no referrer). */
  split: TCommissionSplit;
  /** False when the settlement had been accrued already (nothing was written). */
  created: boolean;
};

/**
 * Accrues the commissions of one revenue settlement (a Commerce payment or a claim fee). Call it inside
 * the transaction that records the settlement, so that both commit or neither does.
 *
 * Walks the referring chain upward from the user's referrer (level 1) for as many levels as the program
 * has rates, splits the settlement amount with splitCommissions (integer math; the parts add up exactly;
 * a non-ACTIVE affiliate's share is forfeited to the platform), and for each commission writes an ACCRUED
 * row (payable at `occurredAt` + the program's hold period) and its ledger transaction
 * `commission:<commissionId>`: debit commission_expense, credit affiliate:<id>:payable, in USD.
 *
 * Idempotent: the first call marks the settlement accrued (settlements.commissions_accrued_at), even when
 * it has no commissions; any later call returns the existing commissions and writes nothing, whatever
 * has changed in the tree or the statuses meanwhile.
 * The settlement amount must be in a USD unit (USD, USDC, USDT: 6 decimals, at par).
 *
 * @example
 * await db.transaction().execute(async (tx) => {
 *   const settlement = await tx.insertInto('settlements').values(...).returningAll().executeTakeFirstOrThrow();
 *   await accrueCommissions(tx, settlement);
 * });
 */
export async function accrueCommissions(
  tx: TDbExecutor,
  settlement: TSettlementRow,
  options: { occurredAt?: Date } = {},
): Promise<TAccrual> {
  if (!REVENUE_CURRENCIES.includes(settlement.currency as never)) {
    throw new Error(
      `settlement ${settlement.id} is in ${settlement.currency}; commissions need USD, USDC or USDT`,
    );
  }
  const none: TCommissionSplit = { commissions: [], forfeited: [], platformRemainder: settlement.amount };
  // One statement: claim the accrual (exactly one transaction ever accrues a settlement, even one without
  // commissions) and read the program's levels and hold period with the referring chain of the payer.
  const found = await sql<{
    claimed: boolean;
    levels: number[];
    hold_period_seconds: number;
    affiliate_id: string | null;
    status: TChainLink['status'] | null;
  }>`
    WITH RECURSIVE claim AS (
      UPDATE settlements SET commissions_accrued_at = now()
       WHERE id = ${settlement.id} AND commissions_accrued_at IS NULL
      RETURNING id
    ), chain AS (
      SELECT a.id, a.parent_id, a.status, 1 AS level
        FROM users u JOIN affiliates a ON a.id = u.referred_by_affiliate_id
       WHERE u.program_id = ${settlement.program_id} AND u.wallet = ${settlement.wallet}
      UNION ALL
      SELECT parent.id, parent.parent_id, parent.status, chain.level + 1
        FROM affiliates parent JOIN chain ON parent.id = chain.parent_id
       WHERE chain.level < ${COMMISSION_LEVELS_MAX}
    )
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed, p.commission_levels_bps AS levels, p.hold_period_seconds,
           chain.id AS affiliate_id, chain.status
      FROM programs p LEFT JOIN chain ON true
     WHERE p.id = ${settlement.program_id}
     ORDER BY chain.level`.execute(tx);
  const first = found.rows[0];
  assert(first, `program ${settlement.program_id} of settlement ${settlement.id} not found`);
  if (!first.claimed) {
    const existing = await tx
      .selectFrom('commissions')
      .selectAll()
      .where('settlement_id', '=', settlement.id)
      .orderBy('level')
      .execute();
    return { commissions: existing, split: none, created: false };
  }
  const chain: TChainLink[] = found.rows
    .filter((row) => row.affiliate_id !== null)
    .map((row) => ({ affiliateId: row.affiliate_id!, status: row.status! }));
  const split = splitCommissions(settlement.amount, first.levels, chain);
  if (split.commissions.length === 0) return { commissions: [], split, created: true };

  const occurredAt = options.occurredAt ?? settlement.created_at;
  const payableAt = new Date(occurredAt.getTime() + first.hold_period_seconds * 1000);
  const commissions = await tx
    .insertInto('commissions')
    .values(
      split.commissions.map((share) => ({
        program_id: settlement.program_id,
        settlement_id: settlement.id,
        affiliate_id: share.affiliateId,
        level: share.level,
        rate_bps: share.rateBps,
        base_amount: settlement.amount,
        amount: share.amount,
        currency: COMMISSION_CURRENCY,
        status: 'ACCRUED',
        payable_at: payableAt,
      })),
    )
    .returningAll()
    .execute();
  commissions.sort((a, b) => a.level - b.level);
  await postLedgerTransactions(
    tx,
    settlement.program_id,
    commissions.map((commission) => ({
      programId: settlement.program_id,
      reference: `commission:${commission.id}`,
      kind: 'commission',
      description: `level ${commission.level} commission (${commission.rate_bps} bps) on settlement ${settlement.id}`,
      entries: [
        { account: ACCOUNTS.commissionExpense, currency: COMMISSION_CURRENCY, amount: commission.amount },
        {
          account: affiliatePayableAccount(commission.affiliate_id),
          currency: COMMISSION_CURRENCY,
          amount: -commission.amount,
        },
      ],
    })),
  );
  return { commissions, split, created: true };
}
