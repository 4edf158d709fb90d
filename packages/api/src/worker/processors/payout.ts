import { sql } from 'kysely';
import { PayoutNotPaidError, relayerPayoutSender } from '../../chain/payout-sender';
import { RelayerError } from '../../chain/relayer';
import { executePayoutBatch } from '../../domain/payouts/execute-payout-batch';
import { failPayoutBatch } from '../../domain/payouts/fail-payout-batch';
import { enqueuePayouts } from '../../queue/payout-queue';
import type { TIntentProcessor } from '../intent-processor';

/** Retry delays of a payout that failed for a passing reason: 5 s, 10 s, 20 s, ... capped at 10 minutes. */
const PAYOUT_RETRY_DELAY_MS_MAX = 600_000;

/**
 * PAYOUT intents (`payout:<batchId>`, job id `payout-<intentId>`): claim the intent with a lease, pay the
 * batch through the relayer (which first asks the contract whether it was paid), record it. A payment the
 * contract refuses (its decoded reason: the contract short of USDC, approvals expired or not an approver's,
 * the batch voided) or a transaction that reverted fails the batch at once, for an admin to restart after
 * acting or to cancel; anything else (RPC down, relayer short of ETH) is retried with backoff until the
 * intent's maximum attempts.
 */
export const payoutProcessor: TIntentProcessor = {
  type: 'PAYOUT',
  queue: 'payout',
  async dispatch(runtime, intentIds) {
    await enqueuePayouts(runtime.queue, intentIds);
  },
  async handle(runtime, data, { workerId }) {
    const { db } = runtime.database;
    const leaseMs = runtime.config.workers.intentTimeoutMinutes * 60_000;
    const claimed = await sql<{ id: string; batch_id: string; attempts: number; max_attempts: number }>`
      UPDATE intents SET status = 'PROCESSING', status_reason = 'paying on-chain', locked_by = ${workerId},
             locked_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1, updated_at = now()
       WHERE id = ${String(data.intentId)} AND type = 'PAYOUT' AND status = 'PENDING' AND next_attempt_at <= now()
      RETURNING id, payload->>'batchId' AS batch_id, attempts, max_attempts`.execute(db);
    const intent = claimed.rows[0];
    if (!intent) return;
    try {
      const result = await executePayoutBatch(db, intent.batch_id, {
        sendPayoutTransaction: relayerPayoutSender(runtime, Math.max(60_000, leaseMs - 60_000)),
      });
      runtime.metrics.intentsTotal.inc({ type: 'PAYOUT', status: 'CONFIRMED' });
      runtime.logger.info({ batchId: intent.batch_id, txHash: result.txHash }, 'payout batch paid');
    } catch (error) {
      const reason = (error as Error).message;
      const terminal =
        error instanceof PayoutNotPaidError ||
        (error instanceof RelayerError && ['GAS_ABOVE_CAP', 'TARGET_NOT_ALLOWED'].includes(error.kind)) ||
        intent.attempts >= intent.max_attempts;
      if (terminal) {
        await failPayoutBatch(db, intent.batch_id, reason);
        runtime.metrics.intentsTotal.inc({ type: 'PAYOUT', status: 'FAILED' });
        runtime.logger.error({ batchId: intent.batch_id, err: reason }, 'payout batch failed');
        return;
      }
      const delayMs = Math.min(PAYOUT_RETRY_DELAY_MS_MAX, 5_000 * 2 ** (intent.attempts - 1));
      await db
        .updateTable('intents')
        .set({
          status: 'PENDING',
          status_reason: `retrying: ${reason}`,
          last_error: reason,
          locked_by: null,
          locked_until: null,
          next_attempt_at: new Date(Date.now() + delayMs),
          updated_at: new Date(),
        })
        .where('id', '=', intent.id)
        .where('status', '=', 'PROCESSING')
        // Only our own claim: another worker may have taken the intent over meanwhile (sweeper).
        .where('locked_by', '=', workerId)
        .execute();
      runtime.logger.warn({ batchId: intent.batch_id, err: reason, delayMs }, 'payout batch will be retried');
    }
  },
};
