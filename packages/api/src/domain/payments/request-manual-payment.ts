import type { TChange, TManualPayment, TManualPaymentChangePayload } from '@sge/shared';
import { assert } from '@sge/shared';
import { getAddress } from 'viem';
import { AppError } from '../app-error';
import { toChangeView } from '../changes/change-view';
import { proposeChange, type TAdminActor } from '../changes/propose-change';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';
import {
  manualPaymentKey,
  recordManualPayment,
  type TRecordManualPaymentInput,
} from './record-manual-payment';

export type TManualPaymentOutcome =
  | { status: 'RECORDED'; payment: TManualPayment }
  | { status: 'PENDING_APPROVAL'; change: TChange };

/**
 * POST /api/admin/payments (issue 17's maker-checker): a manual payment at or below `thresholdMicroUsd` is
 * recorded at once (recordManualPayment); one above it becomes a PENDING MANUAL_PAYMENT change that a second
 * admin approves (domain/changes/approve-change.ts records it then) — so no single admin can enter revenue
 * that pays commissions of more than the threshold.
 *
 * Idempotent by reference, as before: a reference already recorded answers as recordManualPayment does
 * (the same payment, or CONFLICT); a reference with a PENDING change returns that change when the content is
 * the same and is CONFLICT when it differs, whatever the amount (a smaller payment cannot slip past the
 * pending one).
 *
 * @example
 * const outcome = await requestManualPayment(db, who, input, { thresholdMicroUsd: 1_000_000_000n });
 * if (outcome.status === 'PENDING_APPROVAL') reply.status(202).send(outcome.change);
 */
export async function requestManualPayment(
  db: TDbExecutor,
  who: TAdminActor,
  input: TRecordManualPaymentInput,
  options: { thresholdMicroUsd: bigint },
): Promise<TManualPaymentOutcome> {
  return await inTransaction(db, async (tx) => {
    await getProgram(tx, input.programId);
    const key = manualPaymentKey(input.programId, input.reference);
    const recorded = await tx
      .selectFrom('intents')
      .select('id')
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    const payload: TManualPaymentChangePayload = {
      wallet: getAddress(input.wallet),
      amount: input.amount.toString(),
      currency: input.currency,
      reference: input.reference,
      note: input.note,
    };
    if (!recorded) {
      const pending = await pendingPaymentChange(tx, key);
      if (pending) return { status: 'PENDING_APPROVAL', change: samePendingOrConflict(pending, payload) };
    }
    if (recorded || input.amount <= options.thresholdMicroUsd) {
      return { status: 'RECORDED', payment: await recordManualPayment(tx, who, input) };
    }
    const change = await proposeChange(tx, who, {
      programId: input.programId,
      kind: 'MANUAL_PAYMENT',
      subjectKey: key,
      payload,
      before: null,
    });
    if (change) return { status: 'PENDING_APPROVAL', change: toChangeView(change) };
    // Another admin proposed the same reference between our read and our insert: compare with theirs.
    const theirs = await pendingPaymentChange(tx, key);
    assert(theirs, `manual payment change ${key} vanished while proposing it`);
    return { status: 'PENDING_APPROVAL', change: samePendingOrConflict(theirs, payload) };
  });
}

async function pendingPaymentChange(tx: TDbExecutor, key: string) {
  return await tx
    .selectFrom('change_requests')
    .selectAll()
    .where('subject_key', '=', key)
    .where('kind', '=', 'MANUAL_PAYMENT')
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
}

function samePendingOrConflict(
  pending: Parameters<typeof toChangeView>[0],
  payload: TManualPaymentChangePayload,
): TChange {
  const stored = pending.payload as TManualPaymentChangePayload;
  const differing = (['wallet', 'amount', 'currency', 'note'] as const).filter(
    (field) => stored[field] !== payload[field],
  );
  if (differing.length > 0) {
    throw new AppError(
      'CONFLICT',
      `reference ${payload.reference} is waiting for approval (change ${pending.id}) with a different ${differing.join(', ')}`,
      { details: { field: 'body.reference', differing, changeId: pending.id } },
    );
  }
  return toChangeView(pending);
}
