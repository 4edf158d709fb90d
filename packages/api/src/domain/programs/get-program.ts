import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';

/**
 * A program by id, or AppError NOT_FOUND. `forUpdate` locks the row until the caller's transaction ends
 * (updates, and payout batch creation, which is serialised per program).
 */
export async function getProgram(
  db: TDbExecutor,
  programId: string,
  options: { forUpdate?: boolean } = {},
): Promise<TProgram> {
  let query = db.selectFrom('programs').selectAll().where('id', '=', programId);
  if (options.forUpdate) query = query.forUpdate();
  const program = await query.executeTakeFirst();
  if (!program) throw new AppError('NOT_FOUND', `program ${programId} not found`);
  return program;
}
