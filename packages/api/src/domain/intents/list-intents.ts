import type { ZAdminIntent, ZAdminIntentDetail } from '@sge/shared';
import type { z } from 'zod';
import type { TReadDb } from '../../db/read-db';
import type { TIntent, TIntentStatus, TIntentType } from '../../db/schema';
import { AppError } from '../app-error';
import { listNewestFirst } from '../list-page';
import type { TPage } from '../pagination';

export type TAdminIntent = z.infer<typeof ZAdminIntent>;
export type TAdminIntentDetail = z.infer<typeof ZAdminIntentDetail>;

export function toAdminIntent(row: TIntent): TAdminIntent {
  return {
    id: row.id,
    programId: row.program_id,
    type: row.type,
    idempotencyKey: row.idempotency_key,
    wallet: row.wallet,
    status: row.status,
    statusReason: row.status_reason,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    confirmedAt: row.confirmed_at?.toISOString() ?? null,
  };
}

/** Intents, newest first, filtered by program, type, status and wallet. */
export async function listIntents(
  db: TReadDb,
  query: {
    programId: string | null;
    type?: TIntentType | undefined;
    status?: TIntentStatus | undefined;
    wallet?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TPage<TAdminIntent>> {
  return await listNewestFirst(db.selectFrom('intents').selectAll(), {
    filters: { program_id: query.programId, type: query.type, status: query.status, wallet: query.wallet },
    limit: query.limit,
    cursor: query.cursor,
    view: toAdminIntent,
  });
}

/** One intent with its payload, result and every recorded status change. */
export async function getIntentDetail(
  db: TReadDb,
  intentId: string,
  programScope: string | null,
): Promise<TAdminIntentDetail> {
  let select = db.selectFrom('intents').selectAll().where('id', '=', intentId);
  if (programScope) select = select.where('program_id', '=', programScope);
  const intent = await select.executeTakeFirst();
  if (!intent) throw new AppError('NOT_FOUND', `intent ${intentId} not found`);
  const events = await db
    .selectFrom('intent_events')
    .selectAll()
    .where('intent_id', '=', intent.id)
    .orderBy('id')
    .execute();
  return {
    ...toAdminIntent(intent),
    payload: intent.payload,
    result: intent.result,
    events: events.map((event) => ({
      fromStatus: event.from_status,
      toStatus: event.to_status,
      reason: event.reason,
      at: event.at.toISOString(),
    })),
  };
}
