import { RECONCILIATION_FINDINGS_MAX } from '@sge/shared';
import { FindingList, type TReconciliationCheck } from './check-context';
import { countStuckIntents, findStuckIntents } from './find-stuck-intents';

/** Where an admin retries a stuck intent (routes/admin/reconciliation.ts). */
export function retryStuckIntentPath(intentId: string): string {
  return `/api/admin/reconciliation/stuck-intents/${intentId}/retry`;
}

/**
 * Intents PROCESSING longer than INTENT_TIMEOUT_MINUTES, each listed with a retry action (WARN: the sweeper
 * recovers intents whose lease expired; one still stuck is waiting on something, e.g. an unfunded relayer).
 */
export const checkStuckIntents: TReconciliationCheck = {
  name: 'stuck_intents',
  async run({ db, intentTimeoutMinutes, now }) {
    const findings = new FindingList();
    const at = now();
    const counts = await countStuckIntents(db, { timeoutMinutes: intentTimeoutMinutes, now: at });
    const stuck = await findStuckIntents(db, {
      timeoutMinutes: intentTimeoutMinutes,
      now: at,
      limit: RECONCILIATION_FINDINGS_MAX,
    });
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    for (const intent of stuck) {
      const minutes = Math.floor((at.getTime() - intent.processingSince.getTime()) / 60_000);
      findings.add({
        kind: 'STUCK_INTENT',
        severity: 'WARN',
        subject: `intent:${intent.id}`,
        message: `${intent.type} intent ${intent.id}${intent.wallet ? ` of ${intent.wallet}` : ''} has been PROCESSING for ${minutes} min (timeout ${intentTimeoutMinutes} min)`,
        details: { ...intent, processingMinutes: minutes },
        action: { kind: 'RETRY_INTENT', intentId: intent.id, path: retryStuckIntentPath(intent.id) },
      });
    }
    // Counted beyond the listed ones.
    findings.count = Math.max(findings.count, total);
    return {
      summary:
        total === 0
          ? `no intent PROCESSING longer than ${intentTimeoutMinutes} min`
          : `${total} intent(s) PROCESSING longer than ${intentTimeoutMinutes} min`,
      figures: { stuck: total, byType: counts, timeoutMinutes: intentTimeoutMinutes },
      findings,
    };
  },
};
