import type { TChange } from '@sge/shared';
import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { assertPending, lockChange } from './approve-change';
import { toChangeView } from './change-view';
import type { TAdminActor } from './propose-change';

/**
 * Any admin rejects a PENDING change (its proposer too: withdrawing moves no money), with a reason; audited
 * as `change.reject` in the same transaction. Nothing of the change is applied.
 *
 * @throws AppError NOT_FOUND, or INVALID_STATE when it is no longer PENDING.
 * @example
 * await rejectChange(db, who, changeId, 'the fee should be 50 USD, not 500');
 */
export async function rejectChange(
  db: TDbExecutor,
  who: TAdminActor,
  changeId: string,
  reason: string,
  now: Date = new Date(),
): Promise<TChange> {
  return await inTransaction(db, async (tx) => {
    const change = await lockChange(tx, changeId);
    assertPending(change);
    const rejected = await tx
      .updateTable('change_requests')
      .set({
        status: 'REJECTED',
        decided_by: who.actor,
        decided_by_wallet: who.wallet,
        decided_at: now,
        reason,
      })
      .where('id', '=', change.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'change.reject',
      programId: change.program_id,
      subjectType: 'change',
      subjectId: change.id,
      before: { status: 'PENDING' },
      after: { status: 'REJECTED', reason },
    });
    return toChangeView(rejected);
  });
}
