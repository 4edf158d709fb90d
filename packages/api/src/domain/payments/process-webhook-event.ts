import { AppError } from '../app-error';
import { WEBHOOK_ERROR_LENGTH_MAX } from '../commerce/commerce-limits';
import type { TDbExecutor } from '../in-transaction';

/** Test seam: runs inside the event's transaction after its effects, before it is marked processed. */
export type TWebhookHooks = { afterEffects?: (tx: TDbExecutor) => Promise<void> };

/**
 * Processes one verified provider event exactly once (Commerce's and Business's webhooks). One database
 * transaction:
 * 1. `INSERT INTO webhook_events ... ON CONFLICT (id) DO NOTHING`, then `SELECT ... FOR UPDATE` of that row:
 *    concurrent deliveries of one event queue on the row, and every one after the first finds it PROCESSED
 *    (no check-then-insert: the primary key decides);
 * 2. the event's effects (`apply`);
 * 3. the event marked PROCESSED (with `note` when there was nothing to do).
 * If anything throws, the transaction rolls back — effects and PROCESSED together — and the event is then
 * recorded FAILED with its error and attempt count (a separate statement), and the error is rethrown so the
 * endpoint answers 5xx and the provider redelivers; a redelivery runs it again from the start.
 *
 * @example
 * await processWebhookEvent(db, { id, provider: 'coinbase_business', type, payload }, (tx) => apply(tx));
 */
export async function processWebhookEvent<T>(
  db: TDbExecutor,
  event: { id: string; provider: string; type: string; payload: string },
  apply: (tx: TDbExecutor) => Promise<{ result: T | null; note: string | null }>,
  hooks: TWebhookHooks = {},
): Promise<{ outcome: 'processed' | 'duplicate' | 'ignored'; applied: T | null }> {
  try {
    return await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('webhook_events')
        .values({ id: event.id, provider: event.provider, type: event.type, payload: event.payload })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await tx
        .selectFrom('webhook_events')
        .select(['status', 'provider'])
        .where('id', '=', event.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (row.provider !== event.provider) {
        throw new AppError('CONFLICT', `event id ${event.id} belongs to provider ${row.provider}`);
      }
      if (row.status === 'PROCESSED') return { outcome: 'duplicate' as const, applied: null };
      const applied = await apply(tx);
      await hooks.afterEffects?.(tx);
      await tx
        .updateTable('webhook_events')
        .set((eb) => ({
          status: 'PROCESSED',
          attempts: eb('attempts', '+', 1),
          processed_at: new Date(),
          last_error: applied.note,
        }))
        .where('id', '=', event.id)
        .execute();
      return {
        outcome: applied.result === null ? ('ignored' as const) : ('processed' as const),
        applied: applied.result,
      };
    });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(
      0,
      WEBHOOK_ERROR_LENGTH_MAX,
    );
    await db
      .insertInto('webhook_events')
      .values({ ...event, status: 'FAILED', attempts: 1, last_error: message })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            status: 'FAILED',
            attempts: eb('webhook_events.attempts', '+', 1),
            last_error: message,
          }))
          .where('webhook_events.status', '<>', 'PROCESSED'),
      )
      .execute()
      .catch(() => {
        // The database itself failed: the event stays as it was (absent or FAILED), retryable either way.
      });
    throw error;
  }
}
