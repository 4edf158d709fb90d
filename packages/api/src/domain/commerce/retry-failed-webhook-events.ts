import { ZCommerceWebhookEnvelope } from '@sge/shared';
import type { TDbExecutor } from '../in-transaction';
import { COMMERCE_PROVIDER, processCommerceEvent, type TWebhookOutcome } from './receive-commerce-webhook';

/** Most FAILED webhook events one retry run processes (oldest first); the next run takes the rest. */
export const WEBHOOK_RETRY_BATCH_MAX = 100;

/**
 * Processes again the Commerce events whose processing failed (status FAILED), from the envelope stored when
 * their signature was verified — for when Commerce stops redelivering (it retries for a limited time) or a
 * failure was ours. Each goes through processCommerceEvent, so an event another process completes meanwhile
 * is a duplicate, never a second effect. Meant for a scheduled job or an operator; returns what each did
 * (an event that fails again stays FAILED with its attempt count raised).
 *
 * @example
 * const outcomes = await retryFailedCommerceEvents(db);
 */
export async function retryFailedCommerceEvents(
  db: TDbExecutor,
  limit = WEBHOOK_RETRY_BATCH_MAX,
): Promise<{ eventId: string; outcome: TWebhookOutcome['outcome'] | 'failed'; error?: string }[]> {
  const failed = await db
    .selectFrom('webhook_events')
    .select(['id', 'payload'])
    .where('provider', '=', COMMERCE_PROVIDER)
    .where('status', '=', 'FAILED')
    .orderBy('received_at')
    .limit(Math.min(limit, WEBHOOK_RETRY_BATCH_MAX))
    .execute();
  const results: { eventId: string; outcome: TWebhookOutcome['outcome'] | 'failed'; error?: string }[] = [];
  for (const row of failed) {
    const envelope = ZCommerceWebhookEnvelope.safeParse(
      typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    );
    if (!envelope.success) {
      results.push({
        eventId: row.id,
        outcome: 'failed',
        error: 'stored payload is not a Commerce envelope',
      });
      continue;
    }
    try {
      results.push({ eventId: row.id, outcome: (await processCommerceEvent(db, envelope.data)).outcome });
    } catch (error) {
      results.push({ eventId: row.id, outcome: 'failed', error: (error as Error).message });
    }
  }
  return results;
}
