import { CHANGE_REQUEST_TTL_SECONDS, type TChangeKind } from '@sge/shared';
import type { Address } from 'viem';
import type { TChangeRequest } from '../../db/schema';
import { type TActor, writeAudit } from '../audit/write-audit';
import type { TDbExecutor } from '../in-transaction';
import { toChangeView } from './change-view';

/**
 * Key formats (written down once, here): a change's `subject_key` is `program:<programId>` for a program's
 * money settings and `manual-payment:<programId>:<reference>` (the payment's intent key) for a manual
 * payment; the database allows one PENDING manual payment change per key.
 */
export function programSubjectKey(programId: string): string {
  return `program:${programId}`;
}

/** Who proposes or decides a change: an admin (a person), with their ADMIN_API_KEYS wallet or null. */
export type TAdminActor = TActor & { wallet: Address | null };

export type TProposeChangeInput = {
  programId: string;
  kind: TChangeKind;
  subjectKey: string;
  payload: Record<string, unknown>;
  before: Record<string, unknown> | null;
};

/**
 * Records a PENDING change (expiring CHANGE_REQUEST_TTL_SECONDS from now) and audits `change.propose`, in the
 * caller's transaction. For MANUAL_PAYMENT, when a PENDING change of the same key exists already, nothing is
 * written and null is returned (the caller reads and compares that one).
 *
 * @example
 * await proposeChange(tx, who, { programId, kind: 'PROGRAM_SETTINGS', subjectKey: programSubjectKey(programId),
 *   payload: { feeMicroUsd: '50000000' }, before: { feeMicroUsd: '100000000' } });
 */
export async function proposeChange(
  tx: TDbExecutor,
  who: TAdminActor,
  input: TProposeChangeInput,
  now: Date = new Date(),
): Promise<TChangeRequest | null> {
  let insert = tx
    .insertInto('change_requests')
    .values({
      program_id: input.programId,
      kind: input.kind,
      subject_key: input.subjectKey,
      payload: JSON.stringify(input.payload),
      before: input.before === null ? null : JSON.stringify(input.before),
      proposed_by: who.actor,
      proposed_by_wallet: who.wallet,
      proposed_at: now,
      request_id: who.requestId,
      expires_at: new Date(now.getTime() + CHANGE_REQUEST_TTL_SECONDS * 1000),
    })
    .returningAll();
  if (input.kind === 'MANUAL_PAYMENT') {
    insert = insert.onConflict((oc) =>
      oc
        .column('subject_key')
        .where('status', '=', 'PENDING')
        .where('kind', '=', 'MANUAL_PAYMENT')
        .doNothing(),
    );
  }
  const change = await insert.executeTakeFirst();
  if (!change) return null;
  await writeAudit(tx, who, {
    action: 'change.propose',
    programId: input.programId,
    subjectType: 'change',
    subjectId: change.id,
    after: toChangeView(change),
  });
  return change;
}
