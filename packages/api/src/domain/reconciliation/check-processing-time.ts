import { sql } from 'kysely';
import { FindingList, type TReconciliationCheck } from './check-context';
import { PROCESSING_TIME_SAMPLE } from './reconciliation-limits';

/**
 * Average processing time (accepted → confirmed) over the newest PROCESSING_TIME_SAMPLE confirmed intents,
 * overall and per type, with the slowest. WARN when the average exceeds INTENT_TIMEOUT_MINUTES.
 */
export const checkProcessingTime: TReconciliationCheck = {
  name: 'processing_time',
  async run({ db, intentTimeoutMinutes }) {
    const findings = new FindingList();
    const rows = await sql<{ type: string; seconds: number }>`
      SELECT type, extract(epoch FROM (confirmed_at - created_at))::float8 AS seconds
        FROM intents
       WHERE status = 'CONFIRMED' AND confirmed_at IS NOT NULL
       ORDER BY confirmed_at DESC
       LIMIT ${PROCESSING_TIME_SAMPLE}`.execute(db);
    const seconds = rows.rows.map((row) => Number(row.seconds));
    const average = seconds.length === 0 ? null : seconds.reduce((sum, s) => sum + s, 0) / seconds.length;
    const byType: Record<string, { count: number; averageSeconds: number }> = {};
    for (const row of rows.rows) {
      const entry = byType[row.type] ?? { count: 0, averageSeconds: 0 };
      byType[row.type] = entry;
      entry.averageSeconds = (entry.averageSeconds * entry.count + Number(row.seconds)) / (entry.count + 1);
      entry.count++;
    }
    if (average !== null && average > intentTimeoutMinutes * 60) {
      findings.add({
        kind: 'SLOW_PROCESSING',
        severity: 'WARN',
        subject: null,
        message: `the last ${seconds.length} intents took ${average.toFixed(1)} s on average, longer than the ${intentTimeoutMinutes} min timeout`,
        details: { averageSeconds: average },
      });
    }
    return {
      summary:
        average === null
          ? 'no confirmed intent yet'
          : `${average.toFixed(2)} s on average over the last ${seconds.length} confirmed intent(s)`,
      figures: {
        sample: seconds.length,
        averageSeconds: average,
        maxSeconds: seconds.length === 0 ? null : Math.max(...seconds),
        byType,
      },
      findings,
    };
  },
};
