import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { ACCOUNTS, affiliatePayableAccount, COMMISSION_CURRENCY } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { reverseLedgerTransaction } from '../ledger/reverse-ledger-transaction';
import type { TCommissionRow } from './accrue-commissions';

export type TRefundResult = {
  settlementId: string;
  /** False when the settlement had been refunded already (nothing was written). */
  created: boolean;
  /** Commissions not yet paid (nor in a payout batch): CANCELLED, their ledger entries reversed. */
  cancelled: string[];
  /** Commissions already paid or in a payout batch: a clawback each, netted from the next payout. */
  clawedBack: string[];
};

/**
 * Refunds a revenue settlement (a Commerce refund, a reversed payment), in one transaction:
 * - the revenue ledger transaction `settlement:<id>` is reversed (`refund:<id>`: debit revenue, credit
 *   treasury), when the settlement was recorded with one;
 * - each commission still unpaid and in no batch becomes CANCELLED and its ledger transaction is reversed;
 * - each commission already PAID, or in a payout batch (whose execution may already be on its way), gets
 *   a clawback: an OPEN commission_clawbacks row and the ledger transaction `clawback:<commissionId>`
 *   (debit affiliate:<id>:payable, credit commission_expense, USD). The next payout batch nets open
 *   clawbacks from the affiliate's payable commissions.
 *
 * Idempotent: refunding the same settlement again returns `created: false` and writes nothing.
 *
 * @throws AppError NOT_FOUND for an unknown settlement (or one outside `programScope`).
 */
export async function refundSettlement(
  db: TDbExecutor,
  settlementId: string,
  reason: string,
  options: { who?: TActor; programScope?: string | null } = {},
): Promise<TRefundResult> {
  const who = options.who ?? { actor: 'system:refund', requestId: null };
  return await inTransaction(db, async (tx) => {
    let query = tx.selectFrom('settlements').selectAll().where('id', '=', settlementId);
    if (options.programScope) query = query.where('program_id', '=', options.programScope);
    const settlement = await query.forUpdate().executeTakeFirst();
    if (!settlement) throw new AppError('NOT_FOUND', `settlement ${settlementId} not found`);
    const previous = await tx
      .selectFrom('settlement_refunds')
      .select('settlement_id')
      .where('settlement_id', '=', settlement.id)
      .executeTakeFirst();
    if (previous) return { settlementId, created: false, cancelled: [], clawedBack: [] };

    const revenue = await tx
      .selectFrom('ledger_transactions')
      .select('id')
      .where('program_id', '=', settlement.program_id)
      .where('reference', '=', `settlement:${settlement.id}`)
      .executeTakeFirst();
    const reversal = revenue
      ? await reverseLedgerTransaction(tx, {
          programId: settlement.program_id,
          transactionId: revenue.id,
          reference: `refund:${settlement.id}`,
          kind: 'refund',
          description: `refund of settlement ${settlement.id}: ${reason}`,
        })
      : null;

    const commissions = await tx
      .selectFrom('commissions')
      .selectAll()
      .where('settlement_id', '=', settlement.id)
      .orderBy('level')
      .forUpdate()
      .execute();
    const cancelled: string[] = [];
    const clawedBack: string[] = [];
    for (const commission of commissions) {
      if (commission.status === 'CANCELLED') continue;
      if (commission.status === 'PAID' || commission.payout_id !== null) {
        await clawBack(tx, commission, reason);
        clawedBack.push(commission.id);
      } else {
        await cancel(tx, commission, reason);
        cancelled.push(commission.id);
      }
    }
    await tx
      .insertInto('settlement_refunds')
      .values({
        settlement_id: settlement.id,
        program_id: settlement.program_id,
        reason,
        ledger_transaction_id: reversal?.id ?? null,
      })
      .execute();
    await writeAudit(tx, who, {
      action: 'settlement.refund',
      programId: settlement.program_id,
      subjectType: 'settlement',
      subjectId: settlement.id,
      before: { amount: settlement.amount, currency: settlement.currency },
      after: { reason, cancelled, clawedBack },
    });
    return { settlementId, created: true, cancelled, clawedBack };
  });
}

async function cancel(tx: TDbExecutor, commission: TCommissionRow, reason: string) {
  await tx
    .updateTable('commissions')
    .set({ status: 'CANCELLED', updated_at: new Date() })
    .where('id', '=', commission.id)
    .execute();
  const accrual = await tx
    .selectFrom('ledger_transactions')
    .select('id')
    .where('program_id', '=', commission.program_id)
    .where('reference', '=', `commission:${commission.id}`)
    .executeTakeFirstOrThrow();
  await reverseLedgerTransaction(tx, {
    programId: commission.program_id,
    transactionId: accrual.id,
    kind: 'commission_reversal',
    description: `commission ${commission.id} cancelled: ${reason}`,
  });
}

async function clawBack(tx: TDbExecutor, commission: TCommissionRow, reason: string) {
  await tx
    .insertInto('commission_clawbacks')
    .values({
      program_id: commission.program_id,
      commission_id: commission.id,
      affiliate_id: commission.affiliate_id,
      amount: commission.amount,
      currency: commission.currency,
      reason,
    })
    .execute();
  await postLedgerTransaction(tx, {
    programId: commission.program_id,
    reference: `clawback:${commission.id}`,
    kind: 'clawback',
    description: `clawback of ${commission.status === 'PAID' ? 'paid' : 'batched'} commission ${commission.id}: ${reason}`,
    entries: [
      {
        account: affiliatePayableAccount(commission.affiliate_id),
        currency: COMMISSION_CURRENCY,
        amount: commission.amount,
      },
      { account: ACCOUNTS.commissionExpense, currency: COMMISSION_CURRENCY, amount: -commission.amount },
    ],
  });
}
