import { sql } from 'kysely';
import type { Address } from 'viem';
import type { TDb } from '../../db/client';
import type { TRegistrationProofPayload } from './verify-registration-proof';

/**
 * A registration's proof of wallet is verified by the mint worker, not when it is accepted (the hot path
 * stays fast). Until then the intent's attribution is not locked: the first request's signature and referral
 * are kept in the payload (`proof`, `ref`, `affiliateId`, `referralNote`), and a later request for the same
 * wallet carrying a signature *this process has verified* is kept beside it in `payload.candidates` (at most
 * REGISTRATION_CANDIDATES_MAX). The worker takes the first request if its signature is valid (first touch),
 * else the first candidate; if none is valid the intent fails with REGISTRATION_SIGNATURE_INVALID, and a later
 * request with a valid signature starts it again. So a forged registration can neither lock a referral nor
 * block the wallet's owner.
 *
 * Payload keys: `proof` {signature, expiresAt, referral}, `proofVerifiedAt` (ISO time, set by the worker),
 * `candidates` [{ref, affiliateId, referralNote, proof}].
 */
export const REGISTRATION_CANDIDATES_MAX = 4;
/** The reason (last_error prefix) of a registration whose signature did not verify. */
export const REGISTRATION_SIGNATURE_INVALID = 'REGISTRATION_SIGNATURE_INVALID';

export type TRegistrationCandidate = {
  ref: string | null;
  affiliateId: string | null;
  referralNote: string | null;
  proof: TRegistrationProofPayload;
};

/** The attribution a referral gives a wallet in a program (the hot path's matching, for one request). */
export async function matchReferral(
  db: TDb,
  programId: string,
  wallet: Address,
  ref: string | null,
): Promise<{ affiliateId: string | null; referralNote: string | null }> {
  if (ref === null) return { affiliateId: null, referralNote: null };
  const match = await db
    .selectFrom('affiliates')
    .select(['id', 'wallet'])
    .where('program_id', '=', programId)
    .where('status', '=', 'ACTIVE')
    .where((eb) => eb.or([eb(eb.fn('lower', ['code']), '=', ref.toLowerCase()), eb('wallet', '=', ref)]))
    .orderBy(sql`lower(code) = ${ref.toLowerCase()}`, 'desc')
    .executeTakeFirst();
  if (!match)
    return { affiliateId: null, referralNote: `referral "${ref}" matches no active affiliate; ignored` };
  if (match.wallet === wallet) return { affiliateId: null, referralNote: 'self-referral ignored' };
  return { affiliateId: match.id, referralNote: null };
}

/**
 * Keeps a verified registration for a wallet whose intent already exists: a failed one (its signature was
 * invalid) starts again as PENDING with this request's attribution; an unverified PENDING or PROCESSING one
 * gets it as a candidate. `KEPT` when the intent took it, `UNCHANGED` when the intent no longer needs it
 * (verified, confirmed, failed for another reason, or candidates full).
 */
export async function keepVerifiedRegistration(
  db: TDb,
  intentId: string,
  candidate: TRegistrationCandidate,
): Promise<'RESTARTED' | 'KEPT' | 'UNCHANGED'> {
  const verifiedPayload = JSON.stringify({
    ...(candidate.ref === null
      ? {}
      : { ref: candidate.ref, affiliateId: candidate.affiliateId, referralNote: candidate.referralNote }),
    proof: candidate.proof,
    proofVerifiedAt: new Date().toISOString(),
  });
  const restarted = await db
    .updateTable('intents')
    .set({
      status: 'PENDING',
      status_reason: 'registered again with a valid signature',
      payload: verifiedPayload,
      attempts: 0,
      last_error: null,
      batch_id: null,
      locked_by: null,
      locked_until: null,
      next_attempt_at: new Date(),
      updated_at: new Date(),
    } as never)
    .where('id', '=', intentId)
    .where('status', '=', 'FAILED')
    .where('last_error', 'like', `${REGISTRATION_SIGNATURE_INVALID}%`)
    .executeTakeFirst();
  if (Number(restarted.numUpdatedRows) > 0) return 'RESTARTED';
  const kept = await sql`
    UPDATE intents
       SET payload = jsonb_set(payload, '{candidates}',
                               coalesce(payload->'candidates', '[]'::jsonb) || jsonb_build_array(${JSON.stringify(candidate)}::jsonb)),
           updated_at = now()
     WHERE id = ${intentId}
       AND status IN ('PENDING', 'PROCESSING')
       AND NOT payload ? 'proofVerifiedAt'
       AND jsonb_array_length(coalesce(payload->'candidates', '[]'::jsonb)) < ${REGISTRATION_CANDIDATES_MAX}`.execute(
    db,
  );
  return Number(kept.numAffectedRows ?? 0n) > 0 ? 'KEPT' : 'UNCHANGED';
}
