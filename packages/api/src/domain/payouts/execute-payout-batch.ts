import type { TPayoutTransactionReceipt, TSendPayoutTransaction } from '../../chain/payout-ports';
import { AppError } from '../app-error';
import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { ACCOUNTS, affiliatePayableAccount, COMMISSION_CURRENCY, PAYOUT_CURRENCY } from '../ledger/accounts';
import { postLedgerTransaction, type TLedgerEntryInput } from '../ledger/post-ledger-transaction';
import { loadBatchApproval, loadBatchPayments, loadBatchSignatures } from './batch-approval';
import {
  invalidBatchState,
  lockPayoutBatch,
  releasePayoutCommissions,
  type TPayoutBatchRow,
} from './load-payout-batch';

export type {
  TPayoutTransactionReceipt,
  TPayoutTransactionRequest,
  TSendPayoutTransaction,
  TSkippedPayment,
} from '../../chain/payout-ports';
export { onChainBatchId } from './batch-approval';

export type TExecutePayoutBatchDeps = {
  sendPayoutTransaction: TSendPayoutTransaction;
};

export type TExecutePayoutBatchResult = {
  batch: TPayoutBatchRow;
  txHash: string;
  /** False when the batch was COMPLETED already (nothing was sent or written). */
  completed: boolean;
};

/**
 * Executes an EXECUTING batch (see startPayoutBatchExecution): pays it on-chain through
 * `sendPayoutTransaction` and, once the transaction is confirmed, records everything in ONE database
 * transaction: batch COMPLETED (with the tx hash), payouts PAID, their commissions PAID, their clawbacks
 * SETTLED, the PAYOUT intent CONFIRMED with its settlement, and the ledger transaction `payout:<batchId>`:
 *
 *   debit  affiliate:<id>:payable  USD   (each payout's net amount)
 *   credit payout_clearing         USD   (total)
 *   debit  payout_clearing         USDC  (total)
 *   credit treasury                USDC  (total)
 *
 * The transaction carries the two approvers' signatures the batch collected (approvePayoutBatch); without
 * them the contract pays nothing. A payment the contract skipped (its transfer failed, e.g. a blacklisted
 * recipient) is not paid: its payout becomes SKIPPED with the reason, its commissions go back to PAYABLE,
 * and the totals above are what was actually paid.
 *
 * Crash-safe and idempotent: nothing is recorded before the chain confirms; a crash (or an error) anywhere
 * leaves the batch EXECUTING, and running this again asks the sender, which finds the earlier payment on
 * the chain instead of paying again; a COMPLETED batch returns at once. Errors of the sender propagate
 * (the worker retries, or records a terminal failure with failPayoutBatch).
 *
 * @example
 * await executePayoutBatch(db, batchId, { sendPayoutTransaction: relayerPayoutSender(runtime, waitMs) });
 */
export async function executePayoutBatch(
  db: TDbExecutor,
  batchId: string,
  deps: TExecutePayoutBatchDeps,
): Promise<TExecutePayoutBatchResult> {
  const batch = await db
    .selectFrom('payout_batches')
    .selectAll()
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} not found`);
  if (batch.status === 'COMPLETED') return { batch, txHash: batch.tx_hash!, completed: false };
  if (batch.status !== 'EXECUTING') throw invalidBatchState(batch, 'paid', ['EXECUTING']);
  const approval = await loadBatchApproval(db, batch);
  const signatures = await loadBatchSignatures(db, batch);
  if (signatures.length < 2) {
    throw new Error(`payout batch ${batch.id} is EXECUTING with ${signatures.length} signatures`);
  }
  const receipt = await deps.sendPayoutTransaction({
    batchId: batch.id,
    onChainBatchId: approval.onChainBatchId,
    programId: batch.program_id,
    payoutContract: approval.payoutContract,
    token: approval.token,
    recipients: approval.payments.map((payment) => payment.wallet),
    amounts: approval.payments.map((payment) => payment.amount),
    total: approval.total,
    deadline: approval.deadline,
    approvals: signatures.map((row) => ({ approver: row.signer, signature: row.signature })),
  });
  return await completePayoutBatch(db, batch.id, receipt);
}

/**
 * Records the confirmed payment of a batch (the second half of executePayoutBatch), in one transaction.
 * Idempotent: a batch already COMPLETED is returned as it is.
 */
export async function completePayoutBatch(
  db: TDbExecutor,
  batchId: string,
  receipt: TPayoutTransactionReceipt,
): Promise<TExecutePayoutBatchResult> {
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, batchId, null);
    if (batch.status === 'COMPLETED') return { batch, txHash: batch.tx_hash!, completed: false };
    if (batch.status !== 'EXECUTING' && batch.status !== 'FAILED') {
      throw invalidBatchState(batch, 'completed', ['EXECUTING', 'FAILED']);
    }
    const now = new Date();
    // The contract skipped the payments whose transfer failed: those payouts are SKIPPED and their
    // commissions and clawbacks go back to PAYABLE / OPEN for the next batch.
    const payments = await loadBatchPayments(tx, batch.id);
    const skippedReason = new Map<string, string>();
    for (const skipped of receipt.skipped) {
      const payment = payments[skipped.index];
      if (!payment || payment.wallet !== skipped.recipient || payment.amount !== skipped.amount) {
        throw new Error(
          `payout batch ${batch.id}: the contract skipped payment ${skipped.index} (${skipped.recipient}, ${skipped.amount}), which is not this batch's`,
        );
      }
      skippedReason.set(payment.payoutId, skipped.reason);
    }
    for (const [payoutId, reason] of skippedReason) {
      await tx
        .updateTable('payouts')
        .set({ status: 'SKIPPED', skip_reason: reason })
        .where('id', '=', payoutId)
        .where('status', '=', 'PENDING')
        .execute();
    }
    await releasePayoutCommissions(tx, [...skippedReason.keys()], now);
    const payouts = await tx
      .updateTable('payouts')
      .set({ status: 'PAID' })
      .where('batch_id', '=', batch.id)
      .where('status', '=', 'PENDING')
      .returning(['id', 'affiliate_id', 'amount'])
      .execute();
    const payoutIds = payouts.map((payout) => payout.id);
    const commissions =
      payoutIds.length === 0
        ? []
        : await tx
            .updateTable('commissions')
            .set({ status: 'PAID', updated_at: now })
            .where('payout_id', 'in', payoutIds)
            .where('status', '=', 'PAYABLE')
            .returning(['payout_id', 'amount'])
            .execute();
    const clawbacks =
      payoutIds.length === 0
        ? []
        : await tx
            .updateTable('commission_clawbacks')
            .set({ status: 'SETTLED', updated_at: now })
            .where('payout_id', 'in', payoutIds)
            .where('status', '=', 'OPEN')
            .returning(['payout_id', 'amount'])
            .execute();
    // Each payout pays exactly its commissions net of its clawbacks (as the batch was created).
    for (const payout of payouts) {
      const gross = commissions
        .filter((row) => row.payout_id === payout.id)
        .reduce((s, row) => s + row.amount, 0n);
      const clawed = clawbacks
        .filter((row) => row.payout_id === payout.id)
        .reduce((s, row) => s + row.amount, 0n);
      if (gross - clawed !== payout.amount) {
        throw new Error(
          `payout ${payout.id} pays ${payout.amount} but its commissions net of clawbacks are ${gross - clawed}`,
        );
      }
    }
    const total = payouts.reduce((sum, payout) => sum + payout.amount, 0n);
    const skippedTotal = receipt.skipped.reduce((sum, skipped) => sum + skipped.amount, 0n);
    if (total + skippedTotal !== batch.total) {
      throw new Error(
        `payout batch ${batch.id} pays ${total} and skipped ${skippedTotal}, its total is ${batch.total}`,
      );
    }

    if (total > 0n) {
      const entries: TLedgerEntryInput[] = [
        ...payouts.map((payout) => ({
          account: affiliatePayableAccount(payout.affiliate_id),
          currency: COMMISSION_CURRENCY,
          amount: payout.amount,
        })),
        { account: ACCOUNTS.payoutClearing, currency: COMMISSION_CURRENCY, amount: -total },
        { account: ACCOUNTS.payoutClearing, currency: PAYOUT_CURRENCY, amount: total },
        { account: ACCOUNTS.treasury, currency: PAYOUT_CURRENCY, amount: -total },
      ];
      await postLedgerTransaction(tx, {
        programId: batch.program_id,
        reference: `payout:${batch.id}`,
        kind: 'payout',
        description: `payout batch ${batch.id}: ${payouts.length} affiliates paid in ${receipt.txHash}`,
        entries,
      });
    }

    const intentId = batch.intent_id;
    if (intentId) {
      if (total > 0n) {
        await tx
          .insertInto('settlements')
          .values({
            program_id: batch.program_id,
            intent_id: intentId,
            kind: 'PAYOUT',
            tx_hash: receipt.txHash.toLowerCase(),
            block_number: Number(receipt.blockNumber),
            amount: total,
            currency: PAYOUT_CURRENCY,
            details: { batchId: batch.id, recipients: payouts.length, skipped: receipt.skipped.length },
          })
          .onConflict((oc) => oc.column('intent_id').doNothing())
          .execute();
      }
      await tx
        .updateTable('intents')
        .set({
          status: 'CONFIRMED',
          status_reason:
            receipt.skipped.length > 0
              ? `paid in ${receipt.txHash}; ${receipt.skipped.length} payments skipped`
              : `paid in ${receipt.txHash}`,
          result: {
            txHash: receipt.txHash,
            blockNumber: Number(receipt.blockNumber),
            skipped: receipt.skipped.map((skipped) => ({
              recipient: skipped.recipient,
              amount: skipped.amount.toString(),
              reason: skipped.reason,
            })),
          },
          confirmed_at: now,
          locked_by: null,
          locked_until: null,
          updated_at: now,
        })
        .where('id', '=', intentId)
        .execute();
    }
    const completed = await tx
      .updateTable('payout_batches')
      .set({ status: 'COMPLETED', tx_hash: receipt.txHash.toLowerCase(), completed_at: now, updated_at: now })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(
      tx,
      { actor: 'system:payout', requestId: null },
      {
        action: 'payout_batch.complete',
        programId: batch.program_id,
        subjectType: 'payout_batch',
        subjectId: batch.id,
        before: { status: batch.status },
        after: {
          status: completed.status,
          txHash: receipt.txHash,
          blockNumber: receipt.blockNumber,
          total,
          skipped: receipt.skipped.map((skipped) => ({
            recipient: skipped.recipient,
            amount: skipped.amount,
            reason: skipped.reason,
          })),
        },
      },
    );
    return { batch: completed, txHash: completed.tx_hash!, completed: true };
  });
}
