import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { endWalletSessions } from '../auth/sign-in-with-ethereum';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import type { TAffiliate } from './register-affiliate';

type TStatus = TAffiliate['status'];

/** Which statuses an admin may move an affiliate between. TERMINATED is final. */
const ALLOWED: Record<TStatus, readonly TStatus[]> = {
  PENDING: ['ACTIVE', 'SUSPENDED', 'TERMINATED'],
  ACTIVE: ['SUSPENDED', 'TERMINATED'],
  SUSPENDED: ['ACTIVE', 'TERMINATED'],
  TERMINATED: [],
};

/**
 * Suspends, reinstates or terminates an affiliate (audited with the reason). A SUSPENDED or TERMINATED
 * affiliate earns no new commissions (its level's share is forfeited to the platform, see
 * accrueCommissions), takes no new affiliates under it, and is left out of payout batches; what it has
 * earned stays on its payable account. Suspending or terminating also ends the affiliate's sessions in that
 * program, in the same transaction (and it cannot sign in again while so: signInWithEthereum).
 *
 * @throws AppError NOT_FOUND (also for an affiliate of another program than `programScope`), INVALID_STATE.
 */
export async function setAffiliateStatus(
  db: TDbExecutor,
  who: TActor,
  input: { affiliateId: string; status: TStatus; reason: string; programScope: string | null },
): Promise<TAffiliate> {
  return await inTransaction(db, async (tx) => {
    let query = tx.selectFrom('affiliates').selectAll().where('id', '=', input.affiliateId);
    if (input.programScope) query = query.where('program_id', '=', input.programScope);
    const before = await query.forUpdate().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `affiliate ${input.affiliateId} not found`);
    if (before.status === input.status) return before;
    if (!ALLOWED[before.status].includes(input.status)) {
      throw new AppError(
        'INVALID_STATE',
        `affiliate "${before.code}" is ${before.status} and cannot become ${input.status}`,
      );
    }
    const after = await tx
      .updateTable('affiliates')
      .set({ status: input.status, updated_at: new Date() })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const sessionsEnded =
      input.status === 'SUSPENDED' || input.status === 'TERMINATED'
        ? await endWalletSessions(tx, before.wallet, { programId: before.program_id })
        : 0;
    await writeAudit(tx, who, {
      action: `affiliate.${input.status === 'ACTIVE' ? 'reinstate' : input.status === 'SUSPENDED' ? 'suspend' : 'terminate'}`,
      programId: before.program_id,
      subjectType: 'affiliate',
      subjectId: before.id,
      before: { status: before.status },
      after: { status: after.status, reason: input.reason, sessionsEnded },
    });
    return after;
  });
}
