import { RECONCILIATION_FINDINGS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { FindingList, type TReconciliationCheck } from './check-context';
import { WEBHOOK_UNPROCESSED_WARN_MS } from './reconciliation-limits';

/**
 * Webhook processing failures (webhook_events, one row per provider event id; see 0006-commerce): events left
 * FAILED (their effects did not commit; they are retried) and events still RECEIVED, not processed, longer
 * than WEBHOOK_UNPROCESSED_WARN_MS. Signature failures are refused before any row is written: they are the
 * sge_webhook_verification_failures_total metric.
 */
export const checkWebhookFailures: TReconciliationCheck = {
  name: 'webhook_failures',
  async run({ db, now }) {
    const findings = new FindingList();
    const cutoff = new Date(now().getTime() - WEBHOOK_UNPROCESSED_WARN_MS);
    const counts = await sql<{ provider: string; status: string; n: number }>`
      SELECT provider, status, count(*)::int8 AS n FROM webhook_events
       WHERE status = 'FAILED' OR (status = 'RECEIVED' AND received_at < ${cutoff})
       GROUP BY provider, status ORDER BY provider, status`.execute(db);
    const events = await db
      .selectFrom('webhook_events')
      .select(['id', 'provider', 'type', 'status', 'attempts', 'last_error', 'received_at'])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'FAILED'),
          eb.and([eb('status', '=', 'RECEIVED'), eb('received_at', '<', cutoff)]),
        ]),
      )
      .orderBy('received_at')
      .limit(RECONCILIATION_FINDINGS_MAX)
      .execute();
    for (const event of events) {
      findings.add({
        kind: event.status === 'FAILED' ? 'WEBHOOK_FAILED' : 'WEBHOOK_UNPROCESSED',
        severity: 'WARN',
        subject: `webhook_event:${event.id}`,
        message: `${event.provider} ${event.type} event ${event.id} is ${event.status} after ${event.attempts} attempt(s)${event.last_error ? `: ${event.last_error}` : ''}`,
        details: {
          eventId: event.id,
          provider: event.provider,
          type: event.type,
          status: event.status,
          attempts: event.attempts,
          lastError: event.last_error,
          receivedAt: new Date(event.received_at),
        },
      });
    }
    const total = counts.rows.reduce((sum, row) => sum + row.n, 0);
    findings.count = Math.max(findings.count, total);
    return {
      summary:
        total === 0 ? 'no webhook processing failure' : `${total} webhook event(s) failed or not processed`,
      figures: { failures: total, byProviderAndStatus: counts.rows },
      findings,
    };
  },
};
