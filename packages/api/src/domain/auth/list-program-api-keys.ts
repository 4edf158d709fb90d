import type { TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';

/**
 * The API keys of a program, newest first, revoked ones included (GET /api/admin/programs/:id/api-keys).
 *
 * @throws AppError NOT_FOUND when the program does not exist.
 */
export async function listProgramApiKeys(db: TDbExecutor, programId: string) {
  await getProgram(db, programId);
  return await db
    .selectFrom('program_api_keys')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('created_at', 'desc')
    .execute();
}
