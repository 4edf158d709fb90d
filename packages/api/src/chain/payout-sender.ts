import { sgePayoutAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { type Address, encodeFunctionData, type Hex } from 'viem';
import type {
  TPayoutTransactionReceipt,
  TPayoutTransactionRequest,
  TSendPayoutTransaction,
} from '../domain/payouts/execute-payout-batch';
import type { TRuntime } from '../runtime';

/**
 * Relayer references of payout transactions: `payout-batch:<batchId>:<attempt>`. A batch normally has one;
 * a new attempt is sent only after the previous one ended without paying (reverted — e.g. the payout
 * contract lacked funds — or cancelled), and only after the contract confirms the batch is still unpaid.
 * The contract itself refuses to pay a batch id twice, so even two attempts can never pay twice.
 */
export function payoutReference(batchId: string, attempt: number): string {
  return `payout-batch:${batchId}:${attempt}`;
}

/** The on-chain payment of a batch, if the contract has one. */
async function findPayment(
  runtime: TRuntime,
  contract: Address,
  onChainBatchId: bigint,
): Promise<TPayoutTransactionReceipt | null> {
  const { publicClient } = runtime.chain;
  const paidBlock = await publicClient.readContract({
    address: contract,
    abi: sgePayoutAbi,
    functionName: 'batchPaidBlock',
    args: [onChainBatchId],
  });
  if (paidBlock === 0n) return null;
  const [paid] = await publicClient.getContractEvents({
    address: contract,
    abi: sgePayoutAbi,
    eventName: 'BatchPaid',
    args: { batchId: onChainBatchId },
    fromBlock: paidBlock,
    toBlock: paidBlock,
  });
  if (!paid)
    throw new Error(`batch ${onChainBatchId} is paid in block ${paidBlock} but has no BatchPaid event`);
  return { txHash: paid.transactionHash as Hex, blockNumber: paidBlock };
}

export class PayoutNotPaidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutNotPaidError';
  }
}

/**
 * The chain boundary of payouts (TSendPayoutTransaction) on the relayer: asks the contract first and returns
 * an existing payment; otherwise resumes the batch's open relayer transaction or sends the next attempt of
 * `SGEPayout.payBatch`, and returns once it is final. Throws PayoutNotPaidError when the transaction ended
 * without paying (the caller decides whether that is terminal).
 */
export function relayerPayoutSender(runtime: TRuntime, waitMs: number): TSendPayoutTransaction {
  return async (request: TPayoutTransactionRequest) => {
    const contract = request.payoutContract ?? runtime.contracts.payout;
    if (!contract) throw new Error('no payout contract configured (PAYOUT_ADDRESS)');
    const existing = await findPayment(runtime, contract, request.onChainBatchId);
    if (existing) return existing;

    const previous = await sql<{ id: string; reference: string; status: string }>`
      SELECT id, reference, status FROM relayer_transactions
       WHERE chain_id = ${runtime.chain.chainId} AND reference LIKE ${`payout-batch:${request.batchId}:%`}
       ORDER BY created_at DESC LIMIT 1`.execute(runtime.database.db);
    const last = previous.rows[0];
    let transactionId: string;
    if (last && ['SIGNED', 'BROADCAST', 'MINED', 'CONFIRMED'].includes(last.status)) {
      transactionId = last.id;
    } else {
      const attempt = last ? Number(last.reference.split(':').at(-1)) + 1 : 1;
      const sent = await runtime.relayer.send({
        purpose: 'payout_batch',
        reference: payoutReference(request.batchId, attempt),
        to: contract,
        data: encodeFunctionData({
          abi: sgePayoutAbi,
          functionName: 'payBatch',
          args: [request.onChainBatchId, request.token, request.recipients, request.amounts],
        }),
      });
      transactionId = sent.id;
    }
    const final = await runtime.relayer.waitForFinal(transactionId, waitMs);
    if (final.status === 'CONFIRMED') {
      return { txHash: final.mined_hash as Hex, blockNumber: BigInt(final.block_number!) };
    }
    // Not paid by this transaction; maybe by an earlier one (a lost confirmation): the contract knows.
    const paid = await findPayment(runtime, contract, request.onChainBatchId);
    if (paid) return paid;
    throw new PayoutNotPaidError(
      `payout transaction ${final.status.toLowerCase()} (${final.mined_hash ?? final.id})`,
    );
  };
}
