import { sgePayoutAbi } from '@sge/contracts';
import { sql } from 'kysely';
import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  type PublicClient,
  parseEventLogs,
  zeroAddress,
} from 'viem';
import type { TDb } from '../db/client';
import type { Logger } from '../logging/logger';
import type { TChainConnection } from './chain-connection';
import { decodeRevertData, revertDataOf, revertReason } from './decode-revert';
import type {
  TPayoutTransactionReceipt,
  TPayoutTransactionRequest,
  TSendPayoutTransaction,
  TSkippedPayment,
  TVoidPayoutBatch,
} from './payout-ports';
import type { Relayer } from './relayer';

/** What the relayer's payout senders use (the runtime has all of it; the composition root hands it over). */
export type TPayoutChainDeps = {
  chain: Pick<TChainConnection, 'chainId' | 'publicClient'>;
  relayer: Pick<Relayer, 'address' | 'send' | 'waitForFinal' | 'findByReference'>;
  database: { db: TDb };
  logger: Pick<Logger, 'warn'>;
};

/**
 * Relayer references of payout transactions: `payout-batch:<batchId>:<attempt>`. A batch normally has one;
 * a new attempt is sent only after the previous one ended without paying (reverted — e.g. the payout
 * contract lacked funds — or cancelled), and only after the contract confirms the batch is still unpaid.
 * The contract itself refuses to pay a batch id twice, so even two attempts can never pay twice.
 * Voiding a signed batch that is cancelled: `payout-void:<batchId>`.
 */
export function payoutReference(batchId: string, attempt: number): string {
  return `payout-batch:${batchId}:${attempt}`;
}

/** Why a transfer the contract skipped failed, when the pre-check could not say. */
const SKIPPED_REASON_UNKNOWN = 'the token refused the transfer (the pre-check did not predict it)';

/** The payments of a paying transaction that the contract skipped (PaymentSkipped events of the batch). */
export function skippedIn(
  logs: Parameters<typeof parseEventLogs>[0]['logs'],
  onChainBatchId: bigint,
  reasons: ReadonlyMap<number, string>,
): TSkippedPayment[] {
  return parseEventLogs({ abi: sgePayoutAbi, eventName: 'PaymentSkipped', logs })
    .filter((log) => log.args.batchId === onChainBatchId)
    .map((log) => ({
      index: Number(log.args.index),
      recipient: log.args.recipient,
      amount: log.args.amount,
      reason: reasons.get(Number(log.args.index)) ?? SKIPPED_REASON_UNKNOWN,
    }));
}

/** The on-chain payment of a batch, if the contract has one, with the payments it skipped. */
export async function findBatchPayment(
  publicClient: Pick<PublicClient, 'readContract' | 'getContractEvents' | 'getTransactionReceipt'>,
  contract: Address,
  onChainBatchId: bigint,
  reasons: ReadonlyMap<number, string>,
): Promise<TPayoutTransactionReceipt | null> {
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
  const receipt = await publicClient.getTransactionReceipt({ hash: paid.transactionHash as Hex });
  return {
    txHash: paid.transactionHash as Hex,
    blockNumber: paidBlock,
    skipped: skippedIn(receipt.logs, onChainBatchId, reasons),
  };
}

/** A payout that cannot succeed by sending it again: the reason is final until an admin acts. */
export class PayoutNotPaidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutNotPaidError';
  }
}

/**
 * Which payments' transfers would fail if the payout contract sent them now (a blacklisted recipient, the
 * zero address, a token that refuses), each with its decoded reason, by index. Asked of the token itself:
 * an eth_call of `transfer(recipient, amount)` from the payout contract, which needs no signature.
 */
export async function precheckPayments(
  runtime: Pick<TPayoutChainDeps, 'chain'>,
  request: Pick<TPayoutTransactionRequest, 'payoutContract' | 'token' | 'recipients' | 'amounts'>,
): Promise<Map<number, string>> {
  const failing = new Map<number, string>();
  await Promise.all(
    request.recipients.map(async (recipient, index) => {
      if (recipient === zeroAddress) {
        failing.set(index, 'the recipient is the zero address');
        return;
      }
      try {
        const { result } = await runtime.chain.publicClient.simulateContract({
          address: request.token,
          abi: erc20Abi,
          functionName: 'transfer',
          args: [recipient, request.amounts[index]!],
          account: request.payoutContract,
        });
        if (!result) failing.set(index, 'the token returned false for the transfer');
      } catch (error) {
        const reason = revertReason(error);
        if (reason) failing.set(index, reason);
        else throw error;
      }
    }),
  );
  return failing;
}

/** The calldata of `SGEPayout.payBatch` for a batch, with its approvals. */
export function payBatchData(request: TPayoutTransactionRequest): Hex {
  return encodeFunctionData({
    abi: sgePayoutAbi,
    functionName: 'payBatch',
    args: [
      request.onChainBatchId,
      request.token,
      request.recipients,
      request.amounts,
      request.deadline,
      request.approvals,
    ],
  });
}

/**
 * The chain boundary of payouts (TSendPayoutTransaction) on the relayer: asks the contract first and returns
 * an existing payment; otherwise pre-checks each recipient's transfer (those that would fail are named, and
 * the contract skips them), simulates `payBatch` — a revert there (approvals expired or not an approver's,
 * the contract short of funds, the batch voided) cannot succeed on retry and throws PayoutNotPaidError with
 * the decoded reason at once — then resumes the batch's open relayer transaction or sends the next attempt,
 * and returns once it is final, with the payments the contract skipped. Throws PayoutNotPaidError when the
 * transaction ended without paying.
 */
export function relayerPayoutSender(runtime: TPayoutChainDeps, waitMs: number): TSendPayoutTransaction {
  return async (request: TPayoutTransactionRequest) => {
    const contract = request.payoutContract;
    const reasons = await precheckPayments(runtime, request);
    const existing = await findBatchPayment(
      runtime.chain.publicClient,
      contract,
      request.onChainBatchId,
      reasons,
    );
    if (existing) return existing;
    for (const [index, reason] of reasons) {
      runtime.logger.warn(
        {
          batchId: request.batchId,
          recipient: request.recipients[index],
          amount: String(request.amounts[index]),
          reason,
        },
        'payout recipient cannot receive the token; the payout contract will skip it',
      );
    }

    const previous = await sql<{ id: string; reference: string; status: string }>`
      SELECT id, reference, status FROM relayer_transactions
       WHERE chain_id = ${runtime.chain.chainId} AND reference LIKE ${`payout-batch:${request.batchId}:%`}
       ORDER BY created_at DESC LIMIT 1`.execute(runtime.database.db);
    const last = previous.rows[0];
    let transactionId: string;
    if (last && ['SIGNED', 'BROADCAST', 'MINED', 'CONFIRMED'].includes(last.status)) {
      transactionId = last.id;
    } else {
      const data = payBatchData(request);
      try {
        await runtime.chain.publicClient.call({ account: runtime.relayer.address, to: contract, data });
      } catch (error) {
        const data = revertDataOf(error);
        const decoded = data ? decodeRevertData(data) : null;
        if (decoded?.name === 'SGEPayoutInsufficientBalance') {
          const [token, available, needed] = decoded.args;
          throw new PayoutNotPaidError(
            `shortfall: the payout contract ${contract} holds ${available} of ${token}, the batch needs ${needed}; fund it, then restart the batch`,
          );
        }
        const reason = revertReason(error);
        if (reason) throw new PayoutNotPaidError(`the payout contract refuses the batch: ${reason}`);
        throw error;
      }
      const attempt = last ? Number(last.reference.split(':').at(-1)) + 1 : 1;
      const sent = await runtime.relayer.send({
        purpose: 'payout_batch',
        items: request.recipients.length,
        reference: payoutReference(request.batchId, attempt),
        to: contract,
        data,
      });
      transactionId = sent.id;
    }
    const final = await runtime.relayer.waitForFinal(transactionId, waitMs);
    if (final.status === 'CONFIRMED') {
      const receipt = await runtime.chain.publicClient.getTransactionReceipt({
        hash: final.mined_hash as Hex,
      });
      return {
        txHash: final.mined_hash as Hex,
        blockNumber: BigInt(final.block_number!),
        skipped: skippedIn(receipt.logs, request.onChainBatchId, reasons),
      };
    }
    // Not paid by this transaction; maybe by an earlier one (a lost confirmation): the contract knows.
    const paid = await findBatchPayment(
      runtime.chain.publicClient,
      contract,
      request.onChainBatchId,
      reasons,
    );
    if (paid) return paid;
    throw new PayoutNotPaidError(
      `payout transaction ${final.status.toLowerCase()} (${final.mined_hash ?? final.id})`,
    );
  };
}

/**
 * Voids a signed batch on its payout contract (SGEPayout.voidBatch, relayer-only) so that its signatures
 * can never pay it, and waits for it to be final; answers with the payment instead when the batch was paid.
 */
export function relayerPayoutVoider(runtime: TPayoutChainDeps, waitMs: number): TVoidPayoutBatch {
  return async ({ batchId, payoutContract, onChainBatchId }) => {
    const paid = await findBatchPayment(
      runtime.chain.publicClient,
      payoutContract,
      onChainBatchId,
      new Map(),
    );
    if (paid) return { voided: false, paidTxHash: paid.txHash };
    const reference = `payout-void:${batchId}`;
    const voided = await runtime.chain.publicClient.readContract({
      address: payoutContract,
      abi: sgePayoutAbi,
      functionName: 'batchVoided',
      args: [onChainBatchId],
    });
    if (voided) {
      const earlier = await runtime.relayer.findByReference(reference);
      return { voided: true, txHash: (earlier?.mined_hash as Hex | undefined) ?? null };
    }
    const sent = await runtime.relayer.send({
      purpose: 'payout_void',
      reference,
      to: payoutContract,
      data: encodeFunctionData({ abi: sgePayoutAbi, functionName: 'voidBatch', args: [onChainBatchId] }),
    });
    const final = await runtime.relayer.waitForFinal(sent.id, waitMs);
    if (final.status !== 'CONFIRMED') {
      const again = await findBatchPayment(
        runtime.chain.publicClient,
        payoutContract,
        onChainBatchId,
        new Map(),
      );
      if (again) return { voided: false, paidTxHash: again.txHash };
      throw new Error(
        `voiding payout batch ${batchId} ended ${final.status} (${final.mined_hash ?? final.id})`,
      );
    }
    return { voided: true, txHash: final.mined_hash as Hex };
  };
}
