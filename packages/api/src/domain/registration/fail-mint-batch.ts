import { ACCOUNTS } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import { retryDelayMs, type TMintDeps } from './mint-batch';

/**
 * Ends a batch that did not settle: its intents go back to PENDING with a backoff (or FAILED for good past
 * their maximum attempts), and the gas a mined failure cost is still booked.
 */
export async function failMintBatch(
  deps: TMintDeps,
  batchId: string,
  reason: string,
  options: { countAttempt: boolean; gasCostWei?: bigint; programId?: string },
) {
  const now = new Date();
  const failed = await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('mint_batches')
      .set({ status: 'FAILED', last_error: reason, locked_until: null, updated_at: now })
      .where('id', '=', batchId)
      .execute();
    const intents = await trx
      .selectFrom('intents')
      .select(['id', 'attempts', 'max_attempts'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'PROCESSING')
      .forUpdate()
      .execute();
    let failedForGood = 0;
    for (const intent of intents) {
      const attempts = options.countAttempt ? intent.attempts : Math.max(0, intent.attempts - 1);
      const exhausted = attempts >= intent.max_attempts;
      if (exhausted) failedForGood += 1;
      await trx
        .updateTable('intents')
        .set({
          status: exhausted ? 'FAILED' : 'PENDING',
          status_reason: exhausted ? `failed after ${attempts} attempts: ${reason}` : `retrying: ${reason}`,
          last_error: reason,
          attempts,
          batch_id: null,
          locked_by: null,
          next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)),
          updated_at: now,
        })
        .where('id', '=', intent.id)
        .execute();
    }
    if (options.gasCostWei && options.gasCostWei > 0n && options.programId) {
      await postLedgerTransaction(trx, {
        programId: options.programId,
        reference: `gas:mint-batch:${batchId}`,
        kind: 'gas',
        description: `failed SGE-ID mint batch (${reason})`,
        entries: [
          { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: options.gasCostWei },
          { account: ACCOUNTS.relayer, currency: 'ETH', amount: -options.gasCostWei },
        ],
      });
    }
    return failedForGood;
  });
  if (failed > 0) deps.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'FAILED' }, failed);
}
