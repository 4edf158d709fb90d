import { RECONCILIATION_FINDINGS_MAX } from '@sge/shared';
import { FindingList, type TReconciliationCheck } from './check-context';
import { PAYOUT_BATCH_WAITING_WARN_MS } from './reconciliation-limits';

const OPEN_STATUSES = ['PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'FAILED'] as const;

/**
 * Payout batches not finished: waiting for approval, approved but not executed, executing, or FAILED (an
 * admin must restart them). WARN for a FAILED batch, and for one APPROVED or EXECUTING longer than
 * PAYOUT_BATCH_WAITING_WARN_MS; batches waiting for a second admin's approval are listed, not warned about.
 */
export const checkPendingPayoutBatches: TReconciliationCheck = {
  name: 'pending_payout_batches',
  async run({ db, now }) {
    const findings = new FindingList();
    const at = now().getTime();
    const counts = await db
      .selectFrom('payout_batches')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', OPEN_STATUSES)
      .groupBy('status')
      .execute();
    const batches = await db
      .selectFrom('payout_batches')
      .innerJoin('programs', 'programs.id', 'payout_batches.program_id')
      .select([
        'payout_batches.id',
        'payout_batches.status',
        'payout_batches.total',
        'payout_batches.currency',
        'payout_batches.created_by',
        'payout_batches.approved_by',
        'payout_batches.reason',
        'payout_batches.created_at',
        'payout_batches.updated_at',
        'programs.slug',
      ])
      .where('payout_batches.status', 'in', OPEN_STATUSES)
      .orderBy('payout_batches.created_at')
      .limit(RECONCILIATION_FINDINGS_MAX)
      .execute();
    const list = batches.map((batch) => ({
      id: batch.id,
      program: batch.slug,
      status: batch.status,
      total: batch.total.toString(),
      currency: batch.currency,
      createdBy: batch.created_by,
      approvedBy: batch.approved_by,
      createdAt: new Date(batch.created_at).toISOString(),
      waitingMinutes: Math.floor((at - new Date(batch.updated_at).getTime()) / 60_000),
    }));
    for (const [index, batch] of batches.entries()) {
      const waitingMs = at - new Date(batch.updated_at).getTime();
      const late =
        (batch.status === 'APPROVED' || batch.status === 'EXECUTING') &&
        waitingMs > PAYOUT_BATCH_WAITING_WARN_MS;
      if (batch.status !== 'FAILED' && !late) continue;
      findings.add({
        kind: batch.status === 'FAILED' ? 'PAYOUT_BATCH_FAILED' : 'PAYOUT_BATCH_WAITING',
        severity: 'WARN',
        subject: `payout_batch:${batch.id}`,
        message:
          batch.status === 'FAILED'
            ? `payout batch ${batch.id} (${batch.slug}) FAILED: ${batch.reason ?? 'no reason'}; restart it once fixed`
            : `payout batch ${batch.id} (${batch.slug}) has been ${batch.status} for ${list[index]!.waitingMinutes} min`,
        details: list[index]!,
      });
    }
    const byStatus = Object.fromEntries(OPEN_STATUSES.map((status) => [status, 0]));
    for (const row of counts) byStatus[row.status] = Number(row.n);
    const open = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
    return {
      summary: open === 0 ? 'no payout batch pending' : `${open} payout batch(es) pending`,
      figures: { byStatus, batches: list },
      findings,
    };
  },
};
