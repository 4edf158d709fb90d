import type { TIntent } from '../../db/schema';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { findStuckIntents } from './find-stuck-intents';

/**
 * Puts a stuck intent (PROCESSING longer than INTENT_TIMEOUT_MINUTES) back to PENDING, due now, with its
 * lease cleared, recording who retried it and why (status reason, so its events, and the audit log). The
 * sweeper dispatches it. Safe for every intent type: a mint batch is resumed, never re-minted (the contract
 * skips wallets that hold an SGE-ID), and a payout asks the payout contract before paying.
 * (A FAILED intent is retried with POST /api/admin/intents/:id/retry.)
 *
 * @throws AppError NOT_FOUND (also outside `programScope`), INVALID_STATE when it is not stuck.
 */
export async function retryStuckIntent(
  db: TDbExecutor,
  who: TActor,
  input: { intentId: string; reason: string; programScope: string | null; timeoutMinutes: number; now: Date },
): Promise<TIntent> {
  return await inTransaction(db, async (tx) => {
    let select = tx.selectFrom('intents').selectAll().where('id', '=', input.intentId);
    if (input.programScope) select = select.where('program_id', '=', input.programScope);
    const before = await select.forUpdate().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `intent ${input.intentId} not found`);
    const [stuck] = await findStuckIntents(tx, {
      timeoutMinutes: input.timeoutMinutes,
      now: input.now,
      limit: 1,
      intentId: before.id,
    });
    if (!stuck) {
      throw new AppError(
        'INVALID_STATE',
        before.status === 'PROCESSING'
          ? `intent ${before.id} has been PROCESSING for less than ${input.timeoutMinutes} min; it is not stuck`
          : `intent ${before.id} is ${before.status}; only a stuck PROCESSING intent can be retried here`,
      );
    }
    const now = input.now;
    const after = await tx
      .updateTable('intents')
      .set({
        status: 'PENDING',
        status_reason: `stuck intent retried by ${who.actor}: ${input.reason}`,
        next_attempt_at: now,
        locked_by: null,
        locked_until: null,
        updated_at: now,
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'intent.retry_stuck',
      programId: before.program_id,
      subjectType: 'intent',
      subjectId: before.id,
      before: {
        status: before.status,
        processingSince: stuck.processingSince,
        lockedBy: before.locked_by,
        attempts: before.attempts,
      },
      after: { status: after.status, reason: input.reason },
    });
    return after;
  });
}
