import { PROGRAM_API_KEYS_MAX } from '@sge/shared';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { ProgramApiKeysTable } from '../../db/schema';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, SQLSTATE_UNIQUE_VIOLATION, sqlState, type TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';
import {
  API_KEY_PREFIX,
  API_KEY_VISIBLE_CHARS,
  looksLikeToken,
  newSecretToken,
  sha256Hex,
} from './secret-tokens';

export type TProgramApiKey = Selectable<ProgramApiKeysTable>;

/** The actor name of a program-scoped key in the audit log and in two-person checks. */
export function apiKeyActor(key: Pick<TProgramApiKey, 'name'>): string {
  return `apikey:${key.name}`;
}

/**
 * Creates a program-scoped API key (audited). The key is returned once, here; only its hash is stored.
 * Names are unique among a program's active keys.
 *
 * @throws AppError NOT_FOUND (program), CONFLICT (name in use, or PROGRAM_API_KEYS_MAX active keys).
 */
export async function createProgramApiKey(
  db: TDbExecutor,
  who: TActor,
  input: { programId: string; name: string },
): Promise<{ apiKey: TProgramApiKey; key: string }> {
  const key = newSecretToken(API_KEY_PREFIX);
  try {
    return await inTransaction(db, async (tx) => {
      await getProgram(tx, input.programId, { forUpdate: true });
      const active = await tx
        .selectFrom('program_api_keys')
        .select(sql<number>`count(*)::int8`.as('n'))
        .where('program_id', '=', input.programId)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (active.n >= PROGRAM_API_KEYS_MAX) {
        throw new AppError(
          'CONFLICT',
          `the program has ${active.n} active API keys, the maximum; revoke one first`,
        );
      }
      const apiKey = await tx
        .insertInto('program_api_keys')
        .values({
          program_id: input.programId,
          name: input.name,
          key_hash: sha256Hex(key),
          key_prefix: key.slice(0, API_KEY_VISIBLE_CHARS),
          created_by: who.actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(tx, who, {
        action: 'api_key.create',
        programId: input.programId,
        subjectType: 'api_key',
        subjectId: apiKey.id,
        after: { name: apiKey.name, keyPrefix: apiKey.key_prefix },
      });
      return { apiKey, key };
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE_UNIQUE_VIOLATION) {
      throw new AppError('CONFLICT', `an active API key named "${input.name}" exists in this program`, {
        details: { field: 'name' },
        cause: error,
      });
    }
    throw error;
  }
}

/** Revokes a key (audited); it stops working at once. Revoking a revoked key changes nothing. */
export async function revokeProgramApiKey(
  db: TDbExecutor,
  who: TActor,
  input: { keyId: string },
): Promise<TProgramApiKey> {
  return await inTransaction(db, async (tx) => {
    const before = await tx
      .selectFrom('program_api_keys')
      .selectAll()
      .where('id', '=', input.keyId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `API key ${input.keyId} not found`);
    if (before.revoked_at) return before;
    const after = await tx
      .updateTable('program_api_keys')
      .set({ revoked_at: new Date(), revoked_by: who.actor })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, who, {
      action: 'api_key.revoke',
      programId: before.program_id,
      subjectType: 'api_key',
      subjectId: before.id,
      before: { revokedAt: null },
      after: { name: after.name, revokedAt: after.revoked_at },
    });
    return after;
  });
}

/** The active key a presented secret belongs to, or null. */
export async function findActiveProgramApiKey(
  db: TDbExecutor,
  presented: string,
): Promise<TProgramApiKey | null> {
  if (!looksLikeToken(presented, API_KEY_PREFIX)) return null;
  return (
    (await db
      .selectFrom('program_api_keys')
      .selectAll()
      .where('key_hash', '=', sha256Hex(presented))
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}
