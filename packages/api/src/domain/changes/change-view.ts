import type { TChange } from '@sge/shared';
import type { TChangeRequest } from '../../db/schema';

/** The API shape of a change_requests row (payloads are stored in their API shape already). */
export function toChangeView(row: TChangeRequest): TChange {
  const common = {
    id: row.id,
    programId: row.program_id,
    status: row.status,
    proposedBy: row.proposed_by,
    proposedByWallet: row.proposed_by_wallet,
    proposedAt: row.proposed_at.toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
    reason: row.reason,
    result: row.result,
  };
  if (row.kind === 'PROGRAM_SETTINGS') {
    return {
      ...common,
      kind: 'PROGRAM_SETTINGS',
      payload: row.payload as Extract<TChange, { kind: 'PROGRAM_SETTINGS' }>['payload'],
      before: (row.before ?? {}) as Extract<TChange, { kind: 'PROGRAM_SETTINGS' }>['before'],
    };
  }
  return {
    ...common,
    kind: 'MANUAL_PAYMENT',
    payload: row.payload as Extract<TChange, { kind: 'MANUAL_PAYMENT' }>['payload'],
    before: null,
  };
}
