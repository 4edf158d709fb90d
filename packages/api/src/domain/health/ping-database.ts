import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/** Asks the database for the simplest answer it can give: whether it serves queries at all (/healthz). */
export async function pingDatabase(db: TDbExecutor): Promise<void> {
  await sql`select 1`.execute(db);
}
