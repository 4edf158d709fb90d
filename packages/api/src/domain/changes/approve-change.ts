import {
  type TChange,
  type TManualPaymentChangePayload,
  type TManualPaymentCurrency,
  ZProgramMoneySettings,
} from '@sge/shared';
import type { TKnownAddresses } from '../../chain/known-addresses';
import type { TChangeRequest } from '../../db/schema';
import { AppError } from '../app-error';
import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { recordManualPayment } from '../payments/record-manual-payment';
import { assertKnownAddresses } from '../programs/program-money-settings';
import { toProgramView } from '../programs/program-view';
import { updateProgram } from '../programs/update-program';
import { toChangeView } from './change-view';
import type { TAdminActor } from './propose-change';

/** What applying a change needs from the process: the addresses it may set (checked again now). */
export type TApplyChangeContext = { knownAddresses: TKnownAddresses };

/**
 * A second admin approves a PENDING change, which applies it — all in one transaction with the audit log
 * (`change.approve`, plus what applying writes: `program.update`, or the manual payment's settlement, ledger,
 * commissions and `payment.manual_record`). The change row is locked first, so two admins approving at once
 * apply it once: the second waits, then finds it APPLIED (409 INVALID_STATE).
 *
 * @throws AppError NOT_FOUND; INVALID_STATE when it is not PENDING or has expired (it is marked EXPIRED);
 *   CHANGE_SELF_APPROVAL (403) when the approver proposed it (same admin name, or same wallet); what
 *   applying refuses (VALIDATION_FAILED for an address no longer known, CONFLICT for a payment reference
 *   recorded meanwhile with other content), leaving the change PENDING.
 * @example
 * const applied = await approveChange(db, { actor: 'bob', requestId, wallet: bobWallet }, changeId, context);
 */
export async function approveChange(
  db: TDbExecutor,
  who: TAdminActor,
  changeId: string,
  context: TApplyChangeContext,
  now: Date = new Date(),
): Promise<TChange> {
  const outcome = await inTransaction(db, async (tx) => {
    const change = await lockChange(tx, changeId);
    assertPending(change);
    if (new Date(change.expires_at) <= now) {
      return { kind: 'EXPIRED' as const, change: await expireChange(tx, change, now) };
    }
    if (isSamePerson(change, who)) {
      throw new AppError(
        'CHANGE_SELF_APPROVAL',
        `change ${change.id} was proposed by ${change.proposed_by}${change.proposed_by_wallet ? ` (wallet ${change.proposed_by_wallet})` : ''}: another admin must approve it`,
        { details: { changeId: change.id, proposedBy: change.proposed_by } },
      );
    }
    const result = await applyChange(tx, who, change, context);
    const applied = await tx
      .updateTable('change_requests')
      .set({
        status: 'APPLIED',
        decided_by: who.actor,
        decided_by_wallet: who.wallet,
        decided_at: now,
        result: JSON.stringify(result),
      })
      .where('id', '=', change.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'change.approve',
      programId: change.program_id,
      subjectType: 'change',
      subjectId: change.id,
      before: { status: 'PENDING', proposedBy: change.proposed_by },
      after: toChangeView(applied),
    });
    return { kind: 'APPLIED' as const, change: applied };
  });
  if (outcome.kind === 'EXPIRED') {
    throw new AppError(
      'INVALID_STATE',
      `change ${changeId} expired at ${new Date(outcome.change.expires_at).toISOString()} without approval; propose it again`,
      { details: { changeId, status: 'EXPIRED' } },
    );
  }
  return toChangeView(outcome.change);
}

/** The same person by name, or by wallet when both have one (ADMIN_API_KEYS forbids sharing, but config changes). */
export function isSamePerson(change: TChangeRequest, who: TAdminActor): boolean {
  if (change.proposed_by === who.actor) return true;
  return (
    change.proposed_by_wallet !== null &&
    who.wallet !== null &&
    change.proposed_by_wallet.toLowerCase() === who.wallet.toLowerCase()
  );
}

export async function lockChange(tx: TDbExecutor, changeId: string): Promise<TChangeRequest> {
  const change = await tx
    .selectFrom('change_requests')
    .selectAll()
    .where('id', '=', changeId)
    .forUpdate()
    .executeTakeFirst();
  if (!change) throw new AppError('NOT_FOUND', `change ${changeId} not found`);
  return change;
}

export function assertPending(change: TChangeRequest): void {
  if (change.status === 'PENDING') return;
  throw new AppError(
    'INVALID_STATE',
    `change ${change.id} is ${change.status}${change.decided_by ? ` (by ${change.decided_by})` : ''}; only a PENDING change can be decided`,
    { details: { changeId: change.id, status: change.status } },
  );
}

async function expireChange(tx: TDbExecutor, change: TChangeRequest, now: Date): Promise<TChangeRequest> {
  return await tx
    .updateTable('change_requests')
    .set({ status: 'EXPIRED', decided_at: now })
    .where('id', '=', change.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function applyChange(
  tx: TDbExecutor,
  who: TAdminActor,
  change: TChangeRequest,
  context: TApplyChangeContext,
): Promise<Record<string, unknown>> {
  if (change.kind === 'PROGRAM_SETTINGS') {
    // Checked again: the bounds and the known addresses may have changed since it was proposed.
    const parsed = ZProgramMoneySettings.safeParse(change.payload);
    if (!parsed.success) {
      throw new AppError(
        'VALIDATION_FAILED',
        `change ${change.id}: its settings are no longer valid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); reject it`,
        { details: { changeId: change.id } },
      );
    }
    assertKnownAddresses(parsed.data, context.knownAddresses, 'payload');
    const program = await updateProgram(tx, who, change.program_id, parsed.data);
    return { program: toProgramView(program) };
  }
  const payment = change.payload as TManualPaymentChangePayload;
  const recorded = await recordManualPayment(
    tx,
    who,
    {
      programId: change.program_id,
      wallet: payment.wallet,
      amount: BigInt(payment.amount),
      currency: payment.currency as TManualPaymentCurrency,
      reference: payment.reference,
      note: payment.note,
    },
    {
      enteredBy: change.proposed_by,
      approval: { changeId: change.id, proposedBy: change.proposed_by, approvedBy: who.actor },
    },
  );
  return { payment: recorded };
}
