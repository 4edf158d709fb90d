import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';
import { ABANDONED_MINT_BATCH } from './mint-batch';

/** Open mint batches no live worker holds (their lease expired or their worker died): the sweeper wakes a worker for them. */
export async function countAbandonedMintBatches(db: TDbExecutor): Promise<number> {
  const abandoned = await sql<{ n: number }>`
    SELECT count(*)::int8 AS n FROM mint_batches b WHERE ${ABANDONED_MINT_BATCH}`.execute(db);
  return Number(abandoned.rows[0]?.n ?? 0);
}
