import { PAYOUT_APPROVALS_REQUIRED } from '@sge/shared';
import type { Address, Hex } from 'viem';
import type { TPayoutApprovalChecks } from '../../chain/payout-ports';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, SQLSTATE_UNIQUE_VIOLATION, sqlState, type TDbExecutor } from '../in-transaction';
import { loadBatchApproval, loadBatchSignatures } from './batch-approval';
import { invalidBatchState, lockPayoutBatch, type TPayoutBatchRow } from './load-payout-batch';

/** The chain checks an approval needs (chain/payout-ports.ts), and the clock. */
export type TApprovePayoutBatchDeps = TPayoutApprovalChecks & { now?: () => Date };

/** The admin who signs: a person (never a program key) and the wallet configured for them. */
export type TApprover = TActor & { wallet: Address | null };

/**
 * Records admin `who`'s EIP-712 signature of a PENDING_APPROVAL batch (see batch-approval.ts for what is
 * signed). The batch needs two signatures: its creator's first, then a second admin's; two people and two
 * addresses, which the payout contract checks again when it pays. With the second, the batch is APPROVED.
 *
 * Checked before anything is written, in this order: the admin has a wallet; the batch can be signed and
 * its deadline has not passed; the creator signs first, once, and nobody signs twice; the signature is the
 * wallet's (EOA or ERC-1271 contract wallet); the wallet is an approver on the payout contract.
 *
 * @throws AppError ADMIN_WALLET_REQUIRED, NOT_FOUND, INVALID_STATE, PAYOUT_APPROVAL_EXPIRED,
 *   PAYOUT_SELF_APPROVAL (the creator again), PAYOUT_ALREADY_SIGNED, PAYOUT_CREATOR_SIGNATURE_MISSING,
 *   PAYOUT_SIGNATURE_INVALID, PAYOUT_NOT_APPROVER.
 */
export async function approvePayoutBatch(
  db: TDbExecutor,
  who: TApprover,
  input: { batchId: string; programScope: string | null; signature: Hex },
  deps: TApprovePayoutBatchDeps,
): Promise<TPayoutBatchRow> {
  const signer = who.wallet;
  if (!signer) {
    throw new AppError(
      'ADMIN_WALLET_REQUIRED',
      `admin ${who.actor} has no wallet: payout approvals are signed, so configure one (ADMIN_API_KEYS name:key:0xWallet)`,
    );
  }
  const now = deps.now?.() ?? new Date();
  const batch = await lockPayoutBatch(db, input.batchId, input.programScope);
  const approval = await loadBatchApproval(db, batch);
  const signatures = await loadBatchSignatures(db, batch);
  checkCanSign(batch, signatures, who.actor, signer, now);
  const valid = await deps.verifySignature({
    signer,
    typedData: approval.typedData,
    signature: input.signature,
  });
  if (!valid) {
    throw new AppError(
      'PAYOUT_SIGNATURE_INVALID',
      `signature is not ${signer}'s EIP-712 signature of payout batch ${batch.id}`,
      { details: { field: 'signature' } },
    );
  }
  if (!(await deps.isApprover({ payoutContract: approval.payoutContract, signer }))) {
    throw new AppError(
      'PAYOUT_NOT_APPROVER',
      `${signer} (admin ${who.actor}) is not an approver of payout contract ${approval.payoutContract}; its owner adds approvers`,
    );
  }

  try {
    return await inTransaction(db, async (tx) => {
      const locked = await lockPayoutBatch(tx, batch.id, input.programScope);
      checkCanSign(locked, await loadBatchSignatures(tx, locked), who.actor, signer, now);
      await tx
        .insertInto('payout_batch_signatures')
        .values({ batch_id: locked.id, admin: who.actor, signer, signature: input.signature })
        .execute();
      const count = signatures.length + 1;
      const approved = count >= PAYOUT_APPROVALS_REQUIRED;
      const after = approved
        ? await tx
            .updateTable('payout_batches')
            .set({ status: 'APPROVED', approved_by: who.actor, approved_at: now, updated_at: now })
            .where('id', '=', locked.id)
            .returningAll()
            .executeTakeFirstOrThrow()
        : locked;
      await writeAudit(tx, who, {
        action: approved ? 'payout_batch.approve' : 'payout_batch.sign',
        programId: locked.program_id,
        subjectType: 'payout_batch',
        subjectId: locked.id,
        before: { status: locked.status, signatures: signatures.length },
        after: { status: after.status, signer, signatures: count, total: locked.total },
      });
      return after;
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE_UNIQUE_VIOLATION) {
      throw new AppError(
        'PAYOUT_ALREADY_SIGNED',
        `${who.actor} or ${signer} already signed batch ${batch.id}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function checkCanSign(
  batch: TPayoutBatchRow,
  signatures: { admin: string; signer: Address }[],
  admin: string,
  signer: Address,
  now: Date,
): void {
  if (batch.status !== 'PENDING_APPROVAL') throw invalidBatchState(batch, 'signed', ['PENDING_APPROVAL']);
  if (batch.approval_deadline && batch.approval_deadline.getTime() <= now.getTime()) {
    throw new AppError(
      'PAYOUT_APPROVAL_EXPIRED',
      `payout batch ${batch.id}'s approval deadline ${batch.approval_deadline.toISOString()} has passed; cancel it and create a new one`,
    );
  }
  const isCreator = batch.created_by === admin;
  const creatorSigned = signatures.some((row) => row.admin === batch.created_by);
  if (isCreator && creatorSigned) {
    throw new AppError(
      'PAYOUT_SELF_APPROVAL',
      `${admin} created payout batch ${batch.id} and signed it; a second admin must approve it`,
    );
  }
  if (signatures.some((row) => row.admin === admin)) {
    throw new AppError('PAYOUT_ALREADY_SIGNED', `${admin} already signed payout batch ${batch.id}`);
  }
  if (signatures.some((row) => row.signer.toLowerCase() === signer.toLowerCase())) {
    throw new AppError(
      'PAYOUT_ALREADY_SIGNED',
      `address ${signer} already signed payout batch ${batch.id} (for another admin): two different addresses must sign`,
    );
  }
  if (!isCreator && !creatorSigned) {
    throw new AppError(
      'PAYOUT_CREATOR_SIGNATURE_MISSING',
      `payout batch ${batch.id} waits for its creator ${batch.created_by} to sign first`,
    );
  }
}
