import { sgePayoutAbi } from '@sge/contracts';
import { PAYOUT_APPROVALS_REQUIRED } from '@sge/shared';
import { decodeFunctionData, type Hex } from 'viem';
import { loadBatchApproval, loadBatchSignatures } from '../payouts/batch-approval';
import { FindingList, type TReconciliationCheck } from './check-context';
import { PAYOUT_APPROVAL_BATCHES_PER_RUN_MAX } from './reconciliation-limits';

/**
 * Payouts only as two approvers signed them (issue 17): for the newest signed batches that were approved,
 * executed or paid (at most PAYOUT_APPROVAL_BATCHES_PER_RUN_MAX per run):
 * - the batch holds signatures of two different admins from two different addresses, and each verifies
 *   against what the batch says it pays (EOA recovery or the wallet's ERC-1271 answer today)
 *   (PAYOUT_APPROVAL_UNVERIFIED);
 * - a COMPLETED batch was paid by a `payBatch` transaction to its payout contract whose recipients, amounts
 *   and approvals are the ones the database holds (PAYOUT_TX_MISMATCH): a payment the database shows but the
 *   chain made differently, or with other approvers, is fabrication or tampering.
 */
export const checkPayoutApprovals: TReconciliationCheck = {
  name: 'payout_approvals',
  async run({ db, publicClient }) {
    const findings = new FindingList();
    const batches = await db
      .selectFrom('payout_batches')
      .selectAll()
      .where('status', 'in', ['APPROVED', 'EXECUTING', 'COMPLETED', 'FAILED'])
      .where('approval_deadline', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(PAYOUT_APPROVAL_BATCHES_PER_RUN_MAX)
      .execute();
    for (const batch of batches) {
      const approval = await loadBatchApproval(db, batch);
      const signatures = await loadBatchSignatures(db, batch);
      const problems: string[] = [];
      const admins = new Set(signatures.map((row) => row.admin));
      const signers = new Set(signatures.map((row) => row.signer.toLowerCase()));
      if (admins.size < PAYOUT_APPROVALS_REQUIRED || signers.size < PAYOUT_APPROVALS_REQUIRED) {
        problems.push(
          `it has ${admins.size} signing admin(s) and ${signers.size} signing address(es), ${PAYOUT_APPROVALS_REQUIRED} of each are needed`,
        );
      }
      for (const row of signatures) {
        const valid = await publicClient
          .verifyTypedData({ address: row.signer, signature: row.signature, ...approval.typedData })
          .catch(() => false);
        if (!valid) problems.push(`${row.admin}'s signature does not verify for ${row.signer}`);
      }
      if (problems.length > 0) {
        findings.add({
          kind: 'PAYOUT_APPROVAL_UNVERIFIED',
          severity: 'FAIL',
          subject: `payout_batch:${batch.id}`,
          message: `payout batch ${batch.id} (${batch.status}): ${problems.join('; ')}`,
          details: { batchId: batch.id, status: batch.status, signers: [...signers] },
        });
      }
      if (batch.status !== 'COMPLETED' || !batch.tx_hash) continue;
      const tx = await publicClient.getTransaction({ hash: batch.tx_hash as Hex });
      const mismatch = (() => {
        if (tx.to?.toLowerCase() !== approval.payoutContract.toLowerCase())
          return `it was sent to ${tx.to}, not the payout contract ${approval.payoutContract}`;
        let call: ReturnType<typeof decodeFunctionData<typeof sgePayoutAbi>>;
        try {
          call = decodeFunctionData({ abi: sgePayoutAbi, data: tx.input });
        } catch {
          return 'it is not a payBatch call';
        }
        if (call.functionName !== 'payBatch') return `it calls ${call.functionName}, not payBatch`;
        const [batchId, token, recipients, amounts, , approvals] = call.args;
        if (batchId !== approval.onChainBatchId) return `it pays batch id ${batchId}`;
        if (token.toLowerCase() !== approval.token.toLowerCase()) return `it pays in ${token}`;
        const same =
          recipients.length === approval.payments.length &&
          approval.payments.every(
            (payment, index) =>
              recipients[index]!.toLowerCase() === payment.wallet.toLowerCase() &&
              amounts[index] === payment.amount,
          );
        if (!same) return 'its recipients or amounts differ from the batch';
        const used = new Set(approvals.map((row) => row.approver.toLowerCase()));
        if (used.size !== signers.size || [...signers].some((signer) => !used.has(signer)))
          return `its approvers (${[...used].join(', ')}) are not the batch's signers`;
        return null;
      })();
      if (mismatch) {
        findings.add({
          kind: 'PAYOUT_TX_MISMATCH',
          severity: 'FAIL',
          subject: `payout_batch:${batch.id}`,
          message: `payout batch ${batch.id} is COMPLETED by ${batch.tx_hash}, but ${mismatch}`,
          details: { batchId: batch.id, txHash: batch.tx_hash },
        });
      }
    }
    return {
      summary:
        findings.count === 0
          ? `${batches.length} signed payout batch(es) carry two verified approvals and were paid as signed`
          : `${findings.count} payout approval problem(s)`,
      figures: { batchesChecked: batches.length },
      findings,
    };
  },
};
