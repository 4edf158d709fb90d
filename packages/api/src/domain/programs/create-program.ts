import type { TCreateProgramRequest } from '@sge/shared';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, SQLSTATE_UNIQUE_VIOLATION, sqlState, type TDbExecutor } from '../in-transaction';
import { assertProgramGated } from './assert-program-gated';
import { programSettingsToColumns } from './program-settings';
import { toProgramView } from './program-view';

/**
 * Creates a program (ACTIVE) with the given settings; unset ones take the database defaults (fee 100 USD,
 * 1,000 SGE, levels [1000, 500], ...). Audited in the same transaction.
 *
 * @throws AppError CONFLICT when the slug is taken.
 */
export async function createProgram(
  db: TDbExecutor,
  who: TActor,
  request: TCreateProgramRequest,
): Promise<TProgram> {
  const { slug, ...settings } = request;
  try {
    return await inTransaction(db, async (tx) => {
      const program = await tx
        .insertInto('programs')
        .values({ slug, name: request.name, ...programSettingsToColumns(settings) })
        .returningAll()
        .executeTakeFirstOrThrow();
      assertProgramGated(program);
      await writeAudit(tx, who, {
        action: 'program.create',
        programId: program.id,
        subjectType: 'program',
        subjectId: program.id,
        after: toProgramView(program),
      });
      return program;
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
