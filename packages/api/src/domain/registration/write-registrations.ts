import { sql } from 'kysely';
import type { Address } from 'viem';
import { executePrepared, type TDb } from '../../db/client';
import type { TIntentStatus } from '../../db/schema';
import type { TRegistrationProofPayload } from './verify-registration-proof';

/**
 * Registration intents are keyed `register:<programId>:<wallet>` (SPEC §4). The unique index on
 * intents.idempotency_key makes a registration exactly-once per (program, wallet) in the database itself:
 * concurrent requests for one wallet all land on the one row (INSERT ... ON CONFLICT DO NOTHING), never a
 * check-then-insert.
 */
export function registerIntentKey(programId: string, wallet: Address): string {
  return `register:${programId}:${wallet}`;
}

export type TRegistrationInput = {
  programId: string;
  wallet: Address;
  /** An affiliate code, or an affiliate wallet (checksummed), or null. */
  ref: string | null;
  /** The wallet's signature of the registration (null when the program's proof is `none`). */
  proof?: TRegistrationProofPayload | null;
};

export type TRegistrationOutcome = {
  intentId: string;
  status: TIntentStatus;
  wallet: Address;
  /** This call created the intent (false: it already existed). */
  created: boolean;
  tokenId: bigint | null;
  txHash: string | null;
  reason: string | null;
  /**
   * The signature kept in the intent (the first request's), and whether the mint worker has verified it; a
   * request carrying another signature is not the one kept (see `addRegistrationCandidate`).
   */
  storedSignature: string | null;
  proofVerified: boolean;
};

/**
 * Writes many registrations (the group commit of RegistrationWriter) with as little work per request as
 * the guarantees allow: ONE row each, the REGISTER intent, INSERT ... ON CONFLICT DO NOTHING. A second
 * statement reads back only the intents that already existed (repeats), with their token id and tx hash.
 * The statement commits before anything is returned, so every outcome is durable.
 *
 * Attribution (SPEC §4) is decided here and kept in the intent's payload ({ref, affiliateId, referralNote}):
 * `ref` matches an ACTIVE affiliate of the program by code (case-insensitive) or by wallet. The intent is
 * unique per (program, wallet), so the first request's ref is the one kept: first touch is locked. A
 * self-referral, or a ref matching no active affiliate, is ignored with the reason kept. The users row is
 * written when the SGE-ID is minted (settle-mint-batch.ts), carrying this attribution.
 */
export async function writeRegistrations(
  db: TDb,
  inputs: readonly TRegistrationInput[],
): Promise<Map<string, TRegistrationOutcome>> {
  // One row per key (the first request's ref wins), in key order: concurrent batches then take the unique
  // index's locks in the same order and cannot deadlock each other.
  const byKey = new Map<string, TRegistrationInput>();
  for (const input of inputs) {
    const key = registerIntentKey(input.programId, input.wallet);
    if (!byKey.has(key)) byKey.set(key, input);
  }
  const keys = [...byKey.keys()].sort();
  const rows = keys.map((key) => byKey.get(key)!);
  const withRefs = rows.filter((row) => row.ref !== null);

  const referrals = new Map<string, { affiliateId: string | null; referralNote: string | null }>();
  if (withRefs.length > 0) {
    const matches = await executePrepared(
      db,
      'register_match_referrals',
      sql<{
        program_id: string;
        ref: string;
        affiliate_id: string;
        affiliate_wallet: string;
      }>`
      SELECT DISTINCT ON (r.program_id, r.ref) r.program_id, r.ref, a.id AS affiliate_id, a.wallet AS affiliate_wallet
        FROM unnest(${withRefs.map((r) => r.programId)}::uuid[], ${withRefs.map((r) => r.ref)}::text[]) AS r(program_id, ref)
        JOIN affiliates a ON a.program_id = r.program_id AND a.status = 'ACTIVE'
         AND (lower(a.code) = lower(r.ref) OR a.wallet = r.ref)
       ORDER BY r.program_id, r.ref, (lower(a.code) = lower(r.ref)) DESC`,
    );
    const byRef = new Map(matches.rows.map((m) => [`${m.program_id}|${m.ref}`, m]));
    for (const row of withRefs) {
      const match = byRef.get(`${row.programId}|${row.ref}`);
      referrals.set(
        registerIntentKey(row.programId, row.wallet),
        !match
          ? { affiliateId: null, referralNote: `referral "${row.ref}" matches no active affiliate; ignored` }
          : match.affiliate_wallet === row.wallet
            ? { affiliateId: null, referralNote: 'self-referral ignored' }
            : { affiliateId: match.affiliate_id, referralNote: null },
      );
    }
  }

  const payloads = keys.map((key, index) => {
    const { ref } = rows[index]!;
    const proof = rows[index]!.proof ?? null;
    if (ref === null) return proof === null ? '{}' : JSON.stringify({ proof });
    const referral = referrals.get(key)!;
    return JSON.stringify({
      ref,
      affiliateId: referral.affiliateId,
      referralNote: referral.referralNote,
      ...(proof === null ? {} : { proof }),
    });
  });
  // Prepared (parsed and planned once per connection): this statement runs for every accepted registration.
  const inserted = await executePrepared(
    db,
    'register_insert_intents',
    sql<{ id: string; idempotency_key: string }>`
    INSERT INTO intents (program_id, type, idempotency_key, wallet, payload)
    SELECT program_id, 'REGISTER', key, wallet, payload
      FROM unnest(
        ${rows.map((r) => r.programId)}::uuid[],
        ${keys}::text[],
        ${rows.map((r) => r.wallet)}::text[],
        ${payloads}::jsonb[]
      ) AS t(program_id, key, wallet, payload)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key`,
  );

  const outcomes = new Map<string, TRegistrationOutcome>();
  for (const row of inserted.rows) {
    const input = byKey.get(row.idempotency_key)!;
    outcomes.set(row.idempotency_key, {
      intentId: row.id,
      status: 'PENDING',
      wallet: input.wallet,
      created: true,
      tokenId: null,
      txHash: null,
      reason: null,
      storedSignature: input.proof?.signature ?? null,
      proofVerified: false,
    });
  }
  const repeats = keys.filter((key) => !outcomes.has(key));
  if (repeats.length === 0) return outcomes;

  // A separate statement: it sees intents committed by concurrent writers after statement one began.
  const existing = await executePrepared(
    db,
    'register_read_repeats',
    sql<{
      id: string;
      idempotency_key: string;
      status: TIntentStatus;
      last_error: string | null;
      wallet: string;
      token_id: bigint | null;
      tx_hash: string | null;
      stored_signature: string | null;
      proof_verified: boolean;
    }>`
    SELECT i.id, i.idempotency_key, i.status, i.last_error, i.wallet, u.token_id, s.tx_hash,
           i.payload->'proof'->>'signature' AS stored_signature, i.payload ? 'proofVerifiedAt' AS proof_verified
      FROM intents i
      LEFT JOIN users u ON u.program_id = i.program_id AND u.wallet = i.wallet
      LEFT JOIN settlements s ON s.intent_id = i.id
     WHERE i.idempotency_key = ANY(${repeats}::text[])`,
  );
  for (const row of existing.rows) {
    outcomes.set(row.idempotency_key, {
      intentId: row.id,
      status: row.status,
      wallet: row.wallet as Address,
      created: false,
      tokenId: row.status === 'CONFIRMED' ? row.token_id : null,
      txHash: row.status === 'CONFIRMED' ? row.tx_hash : null,
      reason: row.status === 'FAILED' ? row.last_error : null,
      storedSignature: row.stored_signature,
      proofVerified: row.proof_verified,
    });
  }
  return outcomes;
}
