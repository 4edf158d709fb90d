import { useMutation, useQueryClient } from '@tanstack/react-query';
import { adminClient } from '../../api/money-clients';
import type { TBatchDetail } from '../../api/payout-approval';
import { formatMicroUsd } from '../affiliate/money';
import { errorText, type TActionResult } from './action-result';
import type { useApprovalSigner } from './use-approval-signer';

type TSign = ReturnType<typeof useApprovalSigner>['sign'];
type TReport = (result: TActionResult) => void;

/** Query keys: every payout batch query (the list per program, each batch's detail) starts with this. */
export const BATCHES_KEY = ['admin', 'batches'] as const;
export const batchDetailKey = (batchId: string) => [...BATCHES_KEY, 'detail', batchId] as const;

/** The signed-in admin's signature of `batch`, recorded by the API (the creator's first, then a second admin's). */
async function signBatch(batch: TBatchDetail, sign: TSign): Promise<TBatchDetail> {
  if (batch.approval === null) {
    throw new Error(
      `Batch ${batch.id} was created before approvals were signed: cancel it and create a new one.`,
    );
  }
  return await adminClient.approveBatch(batch.id, await sign(batch.approval));
}

/** Re-reads the batches after every action, whatever its outcome, and reports the outcome. */
function useBatchMutation<TInput>(report: TReport, run: (input: TInput) => Promise<string>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (text) => report({ ok: true, text }),
    onError: (error) => report({ ok: false, error }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: BATCHES_KEY }),
  });
}

/**
 * "Create payout batch": the API creates it from the PAYABLE commissions, then its creator signs it at once.
 * When the signature fails the batch stays, unsigned, and its row offers "Sign" again.
 */
export function useCreateBatch(report: TReport, sign: TSign) {
  return useBatchMutation(report, async (programId: string | undefined) => {
    const created = await adminClient.createBatch(programId);
    const summary = `Batch ${created.id} created: ${created.payoutCount} payouts, ${formatMicroUsd(created.total)} ${created.currency}`;
    try {
      await signBatch(created, sign);
    } catch (error) {
      throw new Error(
        `${summary}, but your signature was not recorded: ${errorText(error)} Sign it from its row.`,
      );
    }
    return `${summary}, signed by you. A second admin must sign & approve it.`;
  });
}

/** A batch's actions: sign (creator) or sign & approve (second admin), reject, cancel, execute. */
export function useBatchActions(batch: { id: string }, report: TReport, sign: TSign) {
  const signMutation = useBatchMutation(report, async (detail: TBatchDetail) => {
    const signed = await signBatch(detail, sign);
    return signed.status === 'APPROVED'
      ? `Batch ${batch.id} signed and approved: it can be executed.`
      : `Batch ${batch.id} signed. A second admin must sign & approve it.`;
  });
  const reject = useBatchMutation(report, async (reason: string) => {
    await adminClient.rejectBatch(batch.id, reason);
    return `Batch ${batch.id} rejected; its commissions are payable again.`;
  });
  const cancel = useBatchMutation(report, async (reason: string) => {
    await adminClient.cancelBatch(batch.id, reason);
    return `Batch ${batch.id} cancelled; its commissions are payable again.`;
  });
  const execute = useBatchMutation(report, async () => {
    await adminClient.executeBatch(batch.id);
    return `Batch ${batch.id} is being paid on-chain.`;
  });
  return { sign: signMutation, reject, cancel, execute };
}
