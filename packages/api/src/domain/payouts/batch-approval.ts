import { payoutBatchTypedData } from '@sge/contracts';
import { assert } from '@sge/shared';
import { type Address, getAddress, type Hex, type TypedDataDefinition } from 'viem';
import { AppError } from '../app-error';
import type { TDbExecutor } from '../in-transaction';
import type { TPayoutBatchRow } from './load-payout-batch';

/** The uint256 the payout contract records for a batch: its uuid read as a 128-bit number. */
export function onChainBatchId(batchId: string): bigint {
  const hex = batchId.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`batch id ${batchId} is not a uuid`);
  return BigInt(`0x${hex}`);
}

/** One payout of a batch as the payout contract pays it (index = position in `payBatch`'s arrays). */
export type TBatchPayment = { payoutId: string; affiliateId: string; wallet: Address; amount: bigint };

/**
 * Everything an approver signs for a batch, fixed when the batch was created: chain, payout contract,
 * token, deadline, and the payouts in the one order every reader uses (payout id). The EIP-712 message is
 * `PayoutBatch(batchId, token, paymentsHash, total, deadline)` under the domain ("SGEPayout", "1", chain id,
 * payout contract); `payoutBatchTypedData` in @sge/contracts builds it exactly as SGEPayout hashes it.
 */
export type TBatchApproval = {
  batch: TPayoutBatchRow;
  chainId: number;
  payoutContract: Address;
  token: Address;
  onChainBatchId: bigint;
  /** Unix seconds, as the contract compares it with block.timestamp. */
  deadline: bigint;
  payments: TBatchPayment[];
  total: bigint;
  typedData: TypedDataDefinition;
};

/** The payouts of a batch in payment order (payout id), the order the approvers signed. */
export async function loadBatchPayments(db: TDbExecutor, batchId: string): Promise<TBatchPayment[]> {
  const rows = await db
    .selectFrom('payouts')
    .select(['id', 'affiliate_id', 'wallet', 'amount'])
    .where('batch_id', '=', batchId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    payoutId: row.id,
    affiliateId: row.affiliate_id,
    wallet: getAddress(row.wallet),
    amount: row.amount,
  }));
}

/**
 * What the approvers of `batch` sign.
 *
 * @throws AppError INVALID_STATE for a batch created before signed approvals existed (it can only be
 *   rejected or cancelled).
 */
export async function loadBatchApproval(db: TDbExecutor, batch: TPayoutBatchRow): Promise<TBatchApproval> {
  if (!batch.chain_id || !batch.payout_contract || !batch.token || !batch.approval_deadline) {
    throw new AppError(
      'INVALID_STATE',
      `payout batch ${batch.id} was created before payouts needed approvers' signatures; cancel it and create a new one`,
      { details: { status: batch.status } },
    );
  }
  const payments = await loadBatchPayments(db, batch.id);
  const total = payments.reduce((sum, payment) => sum + payment.amount, 0n);
  assert(
    payments.length > 0 && total === batch.total,
    `payout batch ${batch.id}: payouts sum to ${total}, batch total is ${batch.total}`,
  );
  const payoutContract = getAddress(batch.payout_contract);
  const token = getAddress(batch.token);
  const deadline = BigInt(Math.floor(batch.approval_deadline.getTime() / 1000));
  const id = onChainBatchId(batch.id);
  return {
    batch,
    chainId: batch.chain_id,
    payoutContract,
    token,
    onChainBatchId: id,
    deadline,
    payments,
    total,
    typedData: payoutBatchTypedData({
      chainId: batch.chain_id,
      payoutContract,
      batchId: id,
      token,
      recipients: payments.map((payment) => payment.wallet),
      amounts: payments.map((payment) => payment.amount),
      deadline,
    }),
  };
}

/** A stored approval: the admin who signed, the address that signed, and the signature bytes. */
export type TBatchSignature = { admin: string; signer: Address; signature: Hex; signedAt: Date };

/** The signatures of a batch, the creator's first (the order `payBatch` receives them in). */
export async function loadBatchSignatures(
  db: TDbExecutor,
  batch: Pick<TPayoutBatchRow, 'id' | 'created_by'>,
): Promise<TBatchSignature[]> {
  const rows = await db
    .selectFrom('payout_batch_signatures')
    .selectAll()
    .where('batch_id', '=', batch.id)
    .orderBy('created_at')
    .orderBy('admin')
    .execute();
  return rows
    .map((row) => ({
      admin: row.admin,
      signer: getAddress(row.signer),
      signature: row.signature as Hex,
      signedAt: row.created_at,
    }))
    .sort((a, b) => Number(b.admin === batch.created_by) - Number(a.admin === batch.created_by));
}

/** JSON form of typed data for the API: bigints as decimal strings, so any client can sign it. */
export function typedDataJson(typedData: TypedDataDefinition): unknown {
  return JSON.parse(
    JSON.stringify(typedData, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)),
  );
}
