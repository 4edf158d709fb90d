import type { TUpdateProgramRequest } from '@sge/shared';
import type { TProgram } from '../../db/schema';
import type { TActor } from '../audit/write-audit';
import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { assertProgramGated } from './assert-program-gated';
import { getProgram } from './get-program';
import { programSettingsToColumns } from './program-settings';
import { toProgramView } from './program-view';

/**
 * Changes whitelisted fields of a program (the request schema refuses any other field), including its
 * status (ACTIVE / PAUSED / ARCHIVED). Writes the audit log with the changed fields before and after, in
 * the same transaction. Changing nothing writes nothing.
 *
 * @example
 * await updateProgram(db, who, programId, { commissionLevelsBps: [1200, 300] });
 */
export async function updateProgram(
  db: TDbExecutor,
  who: TActor,
  programId: string,
  request: TUpdateProgramRequest,
  action = 'program.update',
): Promise<TProgram> {
  return await inTransaction(db, async (tx) => {
    const before = await getProgram(tx, programId, { forUpdate: true });
    const { status, ...settings } = request;
    const columns = programSettingsToColumns(settings);
    if (status !== undefined) columns.status = status;
    const beforeView = toProgramView(before);
    const changed = Object.keys(columns).length > 0;
    if (!changed) return before;
    const after = await tx
      .updateTable('programs')
      .set({ ...columns, updated_at: new Date() })
      .where('id', '=', programId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const gateKeys = [
      'status',
      'fee_micro_usd',
      'payment_required',
      'allowlist_required',
      'challenge_required',
    ];
    if (gateKeys.some((key) => key in columns)) assertProgramGated(after);
    const afterView = toProgramView(after);
    const keys = (Object.keys(afterView) as (keyof typeof afterView)[]).filter(
      (key) => key !== 'updatedAt' && JSON.stringify(afterView[key]) !== JSON.stringify(beforeView[key]),
    );
    if (keys.length > 0) {
      await writeAudit(tx, who, {
        action,
        programId,
        subjectType: 'program',
        subjectId: programId,
        before: Object.fromEntries(keys.map((key) => [key, beforeView[key]])),
        after: Object.fromEntries(keys.map((key) => [key, afterView[key]])),
      });
    }
    return after;
  });
}
