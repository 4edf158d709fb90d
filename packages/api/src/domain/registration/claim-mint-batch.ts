import { sql } from 'kysely';
import { ABANDONED_MINT_BATCH, MINT_BATCH_SIZE_MAX, type TMintBatch, type TMintDeps } from './mint-batch';
import { pausedProgramIds, readSponsorshipBudgets } from './sponsorship-budgets';

/** Takes an abandoned batch (expired lease) to resume, or claims a new one. Null when there is no work. */
export async function claimMintBatch(deps: TMintDeps, workerId: string): Promise<TMintBatch | null> {
  const { db } = deps;
  const leaseUntil = new Date(Date.now() + deps.mintBatchLeaseMs);
  const resumed = await sql<TMintBatch>`
    UPDATE mint_batches SET locked_by = ${workerId}, locked_until = ${leaseUntil}, updated_at = now()
     WHERE id = (SELECT b.id FROM mint_batches b WHERE ${ABANDONED_MINT_BATCH}
                  ORDER BY b.created_at LIMIT 1 FOR UPDATE OF b SKIP LOCKED)
    RETURNING *`.execute(db);
  if (resumed.rows[0]) return resumed.rows[0];

  const budgets = await readSponsorshipBudgets(db, deps.globalDailyGasBudgetWei);
  // Crossing the global gas budget pauses every program; nothing is claimed, the intents stay PENDING.
  if (budgets.globalGasPaused) return null;
  const paused = pausedProgramIds(budgets);

  return await db.transaction().execute(async (trx) => {
    let oldestQuery = trx
      .selectFrom('intents')
      .select('program_id')
      .where('type', '=', 'REGISTER')
      .where('status', '=', 'PENDING')
      .where('next_attempt_at', '<=', new Date());
    if (paused.length > 0) oldestQuery = oldestQuery.where('program_id', 'not in', paused);
    const oldest = await oldestQuery
      .orderBy('created_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!oldest) return null;
    const mintsRemaining = budgets.programs.get(oldest.program_id)?.mintsRemaining ?? null;
    const program = await trx
      .selectFrom('programs')
      .select(['sge_id_address'])
      .where('id', '=', oldest.program_id)
      .executeTakeFirstOrThrow();
    const contract = program.sge_id_address ?? deps.defaultSgeIdContract;
    if (!contract) {
      deps.logger.error(
        { programId: oldest.program_id },
        'no SGE-ID contract configured (SGE_ID_ADDRESS); not minting',
      );
      return null;
    }
    const intents = await trx
      .selectFrom('intents')
      .select(['id'])
      .where('type', '=', 'REGISTER')
      .where('status', '=', 'PENDING')
      .where('program_id', '=', oldest.program_id)
      .where('next_attempt_at', '<=', new Date())
      .orderBy('created_at')
      .limit(Math.min(MINT_BATCH_SIZE_MAX, mintsRemaining ?? MINT_BATCH_SIZE_MAX))
      .forUpdate()
      .skipLocked()
      .execute();
    if (intents.length === 0) return null;
    const batch = await trx
      .insertInto('mint_batches')
      .values({
        program_id: oldest.program_id,
        contract_address: contract,
        size: intents.length,
        locked_by: workerId,
        locked_until: leaseUntil,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('intents')
      .set((eb) => ({
        status: 'PROCESSING',
        status_reason: `minting in batch ${batch.id}`,
        batch_id: batch.id,
        attempts: eb('attempts', '+', 1),
        // The batch's lease governs these intents; the generic sweeper leaves them alone.
        locked_by: workerId,
        locked_until: null,
        updated_at: new Date(),
      }))
      .where(
        'id',
        'in',
        intents.map((intent) => intent.id),
      )
      .execute();
    return batch;
  });
}
