import type { TChange, TCreateProgramRequest } from '@sge/shared';
import type { TKnownAddresses } from '../../chain/known-addresses';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { writeAudit } from '../audit/write-audit';
import { toChangeView } from '../changes/change-view';
import { programSubjectKey, proposeChange, type TAdminActor } from '../changes/propose-change';
import { inTransaction, SQLSTATE_UNIQUE_VIOLATION, sqlState, type TDbExecutor } from '../in-transaction';
import { assertProgramGated } from './assert-program-gated';
import {
  assertKnownAddresses,
  changedMoneySettings,
  moneySettingsOf,
  splitMoneySettings,
} from './program-money-settings';
import { programSettingsToColumns } from './program-settings';
import { toProgramView } from './program-view';

/**
 * Creates a program with the given settings; unset ones take the database defaults (fee 100 USD, 1,000 SGE,
 * levels [1000, 500], ...). Audited in the same transaction.
 *
 * Money settings (issue 17) are never applied by one admin: a request naming any that differ from the
 * defaults creates the program PAUSED on the defaults, with a PENDING PROGRAM_SETTINGS change holding the
 * requested ones. A second admin approves it (applying them), then an admin resumes the program; until then
 * it accepts nothing at the wrong price. A request without money settings creates it ACTIVE at once.
 *
 * @throws AppError CONFLICT when the slug is taken; VALIDATION_FAILED naming an unknown address field.
 * @example
 * const { program, pendingChange } = await createProgram(db, who, { slug: 'spring', name: 'Spring',
 *   feeMicroUsd: '50000000' }, { knownAddresses }); // PAUSED, fee pending
 */
export async function createProgram(
  db: TDbExecutor,
  who: TAdminActor,
  request: TCreateProgramRequest,
  options: { knownAddresses: TKnownAddresses },
): Promise<{ program: TProgram; pendingChange: TChange | null }> {
  const { slug, ...settings } = request;
  const { money, other } = splitMoneySettings(settings);
  assertKnownAddresses(money, options.knownAddresses);
  try {
    return await inTransaction(db, async (tx) => {
      let program = await tx
        .insertInto('programs')
        .values({ slug, name: request.name, ...programSettingsToColumns(other) })
        .returningAll()
        .executeTakeFirstOrThrow();
      const changed = changedMoneySettings(program, money);
      let pendingChange: TChange | null = null;
      if (Object.keys(changed).length > 0) {
        program = await tx
          .updateTable('programs')
          .set({ status: 'PAUSED' })
          .where('id', '=', program.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      assertProgramGated(program);
      await writeAudit(tx, who, {
        action: 'program.create',
        programId: program.id,
        subjectType: 'program',
        subjectId: program.id,
        after: toProgramView(program),
      });
      if (Object.keys(changed).length > 0) {
        const change = await proposeChange(tx, who, {
          programId: program.id,
          kind: 'PROGRAM_SETTINGS',
          subjectKey: programSubjectKey(program.id),
          payload: changed,
          before: moneySettingsOf(program, changed),
        });
        pendingChange = change ? toChangeView(change) : null;
      }
      return { program, pendingChange };
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE_UNIQUE_VIOLATION) {
      throw new AppError('CONFLICT', `a program with slug "${slug}" already exists`, {
        details: { field: 'slug' },
        cause: error,
      });
    }
    throw error;
  }
}
