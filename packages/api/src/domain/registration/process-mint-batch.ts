import { sgeIdAbi } from '@sge/contracts';
import { type Address, decodeEventLog, encodeFunctionData, getAddress, type Hex } from 'viem';
import { relayerTransactionCostWei } from '../../chain/l1-fees';
import { RelayerError } from '../../chain/relayer';
import { RpcError } from '../../chain/rpc-errors';
import { failMintBatch } from './fail-mint-batch';
import { MINT_WAIT_MS, type TMintBatch, type TMintDeps, type TMintOutcome } from './mint-batch';
import { settleMintBatch } from './settle-mint-batch';
import { verifyBatchProofs } from './verify-batch-proofs';

/** Runs a claimed batch from whatever step it reached to SETTLED, FAILED, or back to the queue. */
export async function processMintBatch(
  deps: TMintDeps,
  batch: TMintBatch,
  workerId: string,
): Promise<TMintOutcome> {
  const { db } = deps;
  // Proof of wallet before any gas is spent: intents whose signature does not verify leave the batch FAILED.
  if (!batch.relayer_transaction_id) await verifyBatchProofs(deps, batch);
  const intents = await db
    .selectFrom('intents')
    .select(['id', 'wallet'])
    .where('batch_id', '=', batch.id)
    .where('status', '=', 'PROCESSING')
    .orderBy('created_at')
    .execute();
  const wallets = intents.map((intent) => getAddress(intent.wallet!));
  const outcome = (status: TMintOutcome['status'], minted = 0): TMintOutcome => ({
    batchId: batch.id,
    status,
    minted,
    size: wallets.length,
  });
  if (wallets.length === 0) {
    await db
      .updateTable('mint_batches')
      .set({ status: 'FAILED', last_error: 'no intents left in the batch', updated_at: new Date() })
      .where('id', '=', batch.id)
      .execute();
    return outcome('FAILED');
  }

  let relayerTxId = batch.relayer_transaction_id;
  if (!relayerTxId) {
    try {
      const tx = await deps.relayer.send({
        purpose: 'mint_batch',
        items: wallets.length,
        reference: `mint-batch:${batch.id}`,
        to: batch.contract_address as Address,
        data: encodeFunctionData({ abi: sgeIdAbi, functionName: 'mintBatch', args: [wallets] }),
      });
      relayerTxId = tx.id;
      await db
        .updateTable('mint_batches')
        .set({ status: 'SENT', relayer_transaction_id: tx.id, updated_at: new Date() })
        .where('id', '=', batch.id)
        .execute();
    } catch (error) {
      // Not sent: an operating condition (relayer short of ETH, fees above the cap, RPC down) is not the
      // registrations' fault and costs them no attempt; a mint that would revert, need more gas than a mint
      // may, or go to a contract the platform does not know, does.
      const infrastructure =
        (error instanceof RelayerError &&
          !['ESTIMATE_FAILED', 'GAS_ABOVE_CAP', 'TARGET_NOT_ALLOWED'].includes(error.kind)) ||
        (error instanceof RpcError && error.retryable);
      await failMintBatch(deps, batch.id, (error as Error).message, { countAttempt: !infrastructure });
      if (!infrastructure) throw error;
      deps.logger.warn(
        { batchId: batch.id, err: (error as Error).message },
        'mint batch not sent; will retry',
      );
      return outcome('RETRY_LATER');
    }
  }

  // Wait for the transaction, renewing the lease so no other worker resumes this batch meanwhile.
  const renew = setInterval(() => {
    renewLease(deps, batch.id, workerId).catch((error: unknown) =>
      deps.logger.warn({ err: error, batchId: batch.id }, 'mint batch lease renewal failed'),
    );
  }, deps.mintBatchLeaseMs / 4);
  let final: Awaited<ReturnType<typeof deps.relayer.waitForFinal>>;
  try {
    final = await deps.relayer.waitForFinal(relayerTxId, MINT_WAIT_MS);
  } catch (error) {
    // Still pending: hand the batch back (its lease lapses) rather than hold a worker slot forever.
    deps.logger.warn({ batchId: batch.id, err: (error as Error).message }, 'mint batch still pending');
    return outcome('RETRY_LATER');
  } finally {
    clearInterval(renew);
  }

  // The whole cost: L2 execution plus, on OP-stack chains, the L1 data fee (migration 0018).
  const gasCostWei = relayerTransactionCostWei(final);
  if (final.status !== 'CONFIRMED') {
    await failMintBatch(deps, batch.id, `mint transaction ${final.status.toLowerCase()}`, {
      countAttempt: final.status === 'REVERTED',
      gasCostWei,
      programId: batch.program_id,
    });
    return outcome('FAILED');
  }

  // Which wallets this transaction minted, from its Transfer logs.
  const receipt = await deps.publicClient.getTransactionReceipt({ hash: final.mined_hash as Hex });
  const mintedTokenIds = new Map<string, { tokenId: bigint; logIndex: number }>();
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== getAddress(batch.contract_address)) continue;
    try {
      const event = decodeEventLog({ abi: sgeIdAbi, data: log.data, topics: log.topics });
      if (event.eventName === 'Transfer') {
        mintedTokenIds.set(getAddress(event.args.to), {
          tokenId: event.args.tokenId,
          logIndex: log.logIndex,
        });
      }
    } catch {
      // Another event of the contract (Locked): not a mint record.
    }
  }
  // Skipped wallets already held an SGE-ID: confirm that on-chain and record it (token id = the wallet).
  const alreadyHeld = new Map<string, bigint>();
  for (const wallet of wallets) {
    if (mintedTokenIds.has(wallet)) continue;
    const held = await deps.publicClient.readContract({
      address: batch.contract_address as Address,
      abi: sgeIdAbi,
      functionName: 'hasMinted',
      args: [wallet],
    });
    if (!held)
      throw new Error(`mint batch ${batch.id}: ${wallet} neither minted nor already holding an SGE-ID`);
    const tokenId = await deps.publicClient.readContract({
      address: batch.contract_address as Address,
      abi: sgeIdAbi,
      functionName: 'tokenOf',
      args: [wallet],
    });
    alreadyHeld.set(wallet, tokenId);
  }

  const settled = await settleMintBatch(deps, batch, intents, {
    txHash: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    blockHash: receipt.blockHash,
    gasCostWei,
    minted: mintedTokenIds,
    alreadyHeld,
  });
  return outcome('SETTLED', settled);
}

async function renewLease(deps: TMintDeps, batchId: string, workerId: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('mint_batches')
    .set({
      locked_until: new Date(Date.now() + deps.mintBatchLeaseMs),
      updated_at: new Date(),
    })
    .where('id', '=', batchId)
    .where('locked_by', '=', workerId)
    .where('status', 'in', ['CREATED', 'SENT'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
