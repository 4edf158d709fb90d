import type { TChange, TUpdateProgramRequest } from '@sge/shared';
import type { TKnownAddresses } from '../../chain/known-addresses';
import type { TProgram } from '../../db/schema';
import { toChangeView } from '../changes/change-view';
import { programSubjectKey, proposeChange, type TAdminActor } from '../changes/propose-change';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { getProgram } from './get-program';
import {
  assertKnownAddresses,
  changedMoneySettings,
  moneySettingsOf,
  splitMoneySettings,
} from './program-money-settings';
import { updateProgram } from './update-program';

/**
 * PATCH /api/admin/programs/:id by an admin (issue 17's maker-checker), in one transaction: the settings that
 * move no money (name, status, depth, gates) change at once (updateProgram, audited); the money settings
 * that differ from the program's (PROGRAM_MONEY_SETTINGS) become one PENDING PROGRAM_SETTINGS change for a
 * second admin (domain/changes/approve-change.ts). Addresses are checked against the known deployments
 * first. A program key never gets here with money settings (the route answers 403).
 *
 * @throws AppError VALIDATION_FAILED naming an unknown address field; NOT_FOUND for an unknown program.
 * @example
 * const { program, pendingChange } = await requestProgramUpdate(db, who, programId,
 *   { name: 'Spring', feeMicroUsd: '50000000' }, { knownAddresses }); // name now, fee after approval
 */
export async function requestProgramUpdate(
  db: TDbExecutor,
  who: TAdminActor,
  programId: string,
  request: TUpdateProgramRequest,
  options: { knownAddresses: TKnownAddresses },
): Promise<{ program: TProgram; pendingChange: TChange | null }> {
  const { money, other } = splitMoneySettings(request);
  assertKnownAddresses(money, options.knownAddresses);
  return await inTransaction(db, async (tx) => {
    let program = await getProgram(tx, programId, { forUpdate: true });
    if (Object.keys(other).length > 0) program = await updateProgram(tx, who, programId, other);
    const changed = changedMoneySettings(program, money);
    if (Object.keys(changed).length === 0) return { program, pendingChange: null };
    const change = await proposeChange(tx, who, {
      programId,
      kind: 'PROGRAM_SETTINGS',
      subjectKey: programSubjectKey(programId),
      payload: changed,
      before: moneySettingsOf(program, changed),
    });
    return { program, pendingChange: change ? toChangeView(change) : null };
  });
}
