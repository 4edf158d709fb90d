import { sql } from 'kysely';
import { getAddress } from 'viem';
import type { TMintBatch, TMintDeps } from './mint-batch';
import { REGISTRATION_SIGNATURE_INVALID, type TRegistrationCandidate } from './registration-candidates';
import { type TRegistrationProofPayload, verifyRegistrationProof } from './verify-registration-proof';

/** Signatures checked at once in a batch (contract wallets ask the RPC; EOAs are local recoveries). */
const PROOF_VERIFY_CONCURRENCY_MAX = 16;
/** Times a verdict is re-decided when a request changed the intent meanwhile (a candidate arrived). */
const PROOF_DECIDE_ATTEMPTS_MAX = 3;

type TIntentProofPayload = {
  ref?: string;
  affiliateId?: string | null;
  referralNote?: string | null;
  proof?: TRegistrationProofPayload;
  proofVerifiedAt?: string;
  candidates?: TRegistrationCandidate[];
};

/**
 * Verifies the proof of wallet of each intent of a claimed batch (registration-candidates.ts): the first
 * request's signature if valid (first touch), else the first valid candidate's attribution; none valid → the
 * intent is FAILED with REGISTRATION_SIGNATURE_INVALID and leaves the batch, so no gas is spent on it and no
 * users row (no referral) is ever written for it. Each verdict is written only if the payload is still the
 * one decided on (a request adding a candidate meanwhile makes it decide again).
 */
export async function verifyBatchProofs(deps: TMintDeps, batch: TMintBatch) {
  const { db } = deps;
  const rows = await db
    .selectFrom('intents')
    .select(['id', 'wallet', 'payload'])
    .where('batch_id', '=', batch.id)
    .where('status', '=', 'PROCESSING')
    .execute();
  const verify = (wallet: string, proof: TRegistrationProofPayload) =>
    verifyRegistrationProof(deps.publicClient, {
      ...proof,
      programId: batch.program_id,
      wallet: getAddress(wallet),
      chainId: deps.chainId,
    });
  let failed = 0;
  const decide = async (row: { id: string; wallet: string | null; payload: unknown }) => {
    let current = row;
    for (let attempt = 0; attempt < PROOF_DECIDE_ATTEMPTS_MAX; attempt++) {
      const payload = current.payload as TIntentProofPayload;
      if (!payload.proof || payload.proofVerifiedAt) return;
      let next: TIntentProofPayload | null = null;
      if (await verify(current.wallet!, payload.proof)) {
        next = { ...payload, proofVerifiedAt: new Date().toISOString() };
        delete next.candidates;
      } else {
        for (const candidate of payload.candidates ?? []) {
          if (!(await verify(current.wallet!, candidate.proof))) continue;
          next = {
            ...(candidate.ref === null
              ? {}
              : {
                  ref: candidate.ref,
                  affiliateId: candidate.affiliateId,
                  referralNote: candidate.referralNote,
                }),
            proof: candidate.proof,
            proofVerifiedAt: new Date().toISOString(),
          };
          break;
        }
      }
      const reason = `${REGISTRATION_SIGNATURE_INVALID}: the signature is not ${current.wallet}'s`;
      const written = await sql`
        UPDATE intents
           SET payload = ${JSON.stringify(next ?? payload)}::jsonb,
               status = ${next ? 'PROCESSING' : 'FAILED'},
               status_reason = ${next ? `minting in batch ${batch.id}` : reason},
               last_error = ${next ? null : reason},
               batch_id = ${next ? batch.id : null},
               locked_by = ${next ? workerIdOf(batch) : null},
               updated_at = now()
         WHERE id = ${current.id} AND status = 'PROCESSING' AND batch_id = ${batch.id}
           AND payload = ${JSON.stringify(payload)}::jsonb`.execute(db);
      if (Number(written.numAffectedRows ?? 0n) > 0) {
        if (!next) failed += 1;
        return;
      }
      const reread = await db
        .selectFrom('intents')
        .select(['id', 'wallet', 'payload'])
        .where('id', '=', current.id)
        .where('status', '=', 'PROCESSING')
        .where('batch_id', '=', batch.id)
        .executeTakeFirst();
      if (!reread) return;
      current = reread;
    }
    throw new Error(`intent ${row.id}: its registration kept changing while it was verified`);
  };
  for (let index = 0; index < rows.length; index += PROOF_VERIFY_CONCURRENCY_MAX) {
    await Promise.all(rows.slice(index, index + PROOF_VERIFY_CONCURRENCY_MAX).map(decide));
  }
  if (failed > 0) {
    deps.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'FAILED' }, failed);
    deps.logger.warn(
      { batchId: batch.id, failed },
      'registrations refused: their proof of wallet did not verify; no gas spent on them',
    );
  }
}

const workerIdOf = (batch: TMintBatch) => batch.locked_by;
