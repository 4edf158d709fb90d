import type { TIntent } from '../../db/schema';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { invalidBatchState, lockPayoutBatch, type TPayoutBatchRow } from './load-payout-batch';

/**
 * Idempotency key of the PAYOUT intent that executes a batch: `payout:<batchId>`.
 *
 * SPEC §4 names `payout:<batch>:<affiliate>`; one on-chain transaction pays the whole batch (SGEPayout
 * `payBatch`), so there is one intent per batch, keyed by the batch alone.
 */
export function payoutIntentKey(batchId: string): string {
  return `payout:${batchId}`;
}

/**
 * Starts executing an APPROVED batch: the batch becomes EXECUTING and its PAYOUT intent (key
 * `payout:<batchId>`) is created PENDING, in one transaction, for a worker to pick up and run
 * executePayoutBatch. Calling it again for an EXECUTING batch returns the same intent; a FAILED batch is
 * put back to EXECUTING and its intent back to PENDING (a retry — safe, because executePayoutBatch asks
 * the chain whether the batch was paid before paying it).
 *
 * @throws AppError NOT_FOUND, INVALID_STATE.
 */
export async function startPayoutBatchExecution(
  db: TDbExecutor,
  who: TActor,
  input: { batchId: string; programScope: string | null },
): Promise<{ batch: TPayoutBatchRow; intent: TIntent }> {
  return await inTransaction(db, async (tx) => {
    const batch = await lockPayoutBatch(tx, input.batchId, input.programScope);
    if (!['APPROVED', 'EXECUTING', 'FAILED'].includes(batch.status)) {
      throw invalidBatchState(batch, 'executed', ['APPROVED', 'EXECUTING', 'FAILED']);
    }
    await tx
      .insertInto('intents')
      .values({
        program_id: batch.program_id,
        type: 'PAYOUT',
        idempotency_key: payoutIntentKey(batch.id),
        status: 'PENDING',
        status_reason: `payout batch approved by ${batch.approved_by}; execution started by ${who.actor}`,
        payload: { batchId: batch.id, total: batch.total.toString(), currency: batch.currency },
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    let intent = await tx
      .selectFrom('intents')
      .selectAll()
      .where('idempotency_key', '=', payoutIntentKey(batch.id))
      .executeTakeFirstOrThrow();
    if (batch.status === 'EXECUTING') return { batch, intent };
    if (intent.status === 'FAILED') {
      intent = await tx
        .updateTable('intents')
        .set({
          status: 'PENDING',
          status_reason: `execution restarted by ${who.actor}`,
          attempts: 0,
          next_attempt_at: new Date(),
          locked_by: null,
          locked_until: null,
          updated_at: new Date(),
        })
        .where('id', '=', intent.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const executing = await tx
      .updateTable('payout_batches')
      .set({ status: 'EXECUTING', intent_id: intent.id, updated_at: new Date() })
      .where('id', '=', batch.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'payout_batch.execute',
      programId: batch.program_id,
      subjectType: 'payout_batch',
      subjectId: batch.id,
      before: { status: batch.status },
      after: { status: executing.status, intentId: intent.id },
    });
    return { batch: executing, intent };
  });
}
