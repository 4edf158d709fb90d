import type { TIntent } from '../../db/schema';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';

/**
 * Puts a FAILED intent back to PENDING (attempts reset, due now), recording who retried it and why in the
 * intent's status reason (and so in its events) and in the audit log. The caller enqueues it.
 *
 * @throws AppError NOT_FOUND (also outside `programScope`), INVALID_STATE when it is not FAILED.
 */
export async function retryIntent(
  db: TDbExecutor,
  who: TActor,
  input: { intentId: string; reason: string; programScope: string | null },
): Promise<TIntent> {
  return await inTransaction(db, async (tx) => {
    let select = tx.selectFrom('intents').selectAll().where('id', '=', input.intentId);
    if (input.programScope) select = select.where('program_id', '=', input.programScope);
    const before = await select.forUpdate().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `intent ${input.intentId} not found`);
    if (before.status !== 'FAILED') {
      throw new AppError(
        'INVALID_STATE',
        `intent ${before.id} is ${before.status}; only a FAILED intent can be retried`,
      );
    }
    const now = new Date();
    const after = await tx
      .updateTable('intents')
      .set({
        status: 'PENDING',
        status_reason: `retried by ${who.actor}: ${input.reason}`,
        attempts: 0,
        next_attempt_at: now,
        locked_by: null,
        locked_until: null,
        updated_at: now,
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (before.type === 'PAYOUT') {
      // A payout batch whose execution failed is executing again.
      await tx
        .updateTable('payout_batches')
        .set({ status: 'EXECUTING', updated_at: now })
        .where('intent_id', '=', before.id)
        .where('status', '=', 'FAILED')
        .execute();
    }
    await writeAudit(tx, who, {
      action: 'intent.retry',
      programId: before.program_id,
      subjectType: 'intent',
      subjectId: before.id,
      before: { status: before.status, attempts: before.attempts, lastError: before.last_error },
      after: { status: after.status, attempts: after.attempts, reason: input.reason },
    });
    return after;
  });
}
