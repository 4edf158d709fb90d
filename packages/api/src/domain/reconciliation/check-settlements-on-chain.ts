import { sql } from 'kysely';
import {
  type Address,
  BlockNotFoundError,
  getAddress,
  type Hex,
  hexToBigInt,
  isAddressEqual,
  type Log,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  toEventSelector,
} from 'viem';
import {
  FindingList,
  mapConcurrent,
  type TReconciliationCheck,
  type TReconciliationContext,
} from './check-context';
import {
  SETTLEMENT_BATCH_SIZE,
  SETTLEMENT_REORG_WINDOW_BLOCKS,
  SETTLEMENT_RPC_CONCURRENCY,
  SETTLEMENT_TXS_PER_RUN_MAX,
} from './reconciliation-limits';

/** topic0 of ERC-20 and ERC-721 Transfer(address,address,uint256) (ERC-721 indexes the token id too). */
const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)');

type TSettlementToMatch = {
  id: string;
  kind: string;
  wallet: string | null;
  tx_hash: string;
  block_number: number | null;
  block_hash: string | null;
  amount: bigint;
  currency: string;
  details: Record<string, unknown>;
  program_slug: string;
  treasury_address: string | null;
  sge_id_address: string | null;
};

type TMismatch = { kind: string; message: string; details?: Record<string, unknown> };

/**
 * Every CONFIRMED settlement with a transaction hash, matched to its on-chain transaction: the receipt exists
 * (else MISSING) and succeeded (else FAILED), it is in the recorded block, whose hash is still the canonical
 * one (else REORGED: the transaction moved to another block, or its block left the canonical chain and took
 * the transaction with it), and the transfers it made are the settlement's:
 *
 * | kind     | what must be in the receipt's logs                                                        |
 * |----------|-------------------------------------------------------------------------------------------|
 * | REGISTER | an SGE-ID Transfer to the settlement's wallet (else WRONG_RECIPIENT) of its token id (else WRONG_AMOUNT) |
 * | CLAIM    | Transfers of the fee token (the one recorded, else USDC/USDT by currency) from the wallet to the recorded treasury (else the program's or TREASURY_ADDRESS) summing to the amount (else WRONG_AMOUNT; fee paid elsewhere: WRONG_RECIPIENT) |
 * | PAYOUT   | USDC Transfers to each payout's wallet (else WRONG_RECIPIENT) of its amount, summing to the settlement's (else WRONG_AMOUNT) |
 *
 * Settlements of a payment provider (Commerce: no transaction hash) are not matched on-chain; they are
 * counted. A settlement that matches is marked verified (`verified_at`); unverified ones and those in the
 * last SETTLEMENT_REORG_WINDOW_BLOCKS blocks are (re-)checked, at most SETTLEMENT_TXS_PER_RUN_MAX
 * transactions per run (oldest first; the figures say how many are left). A mismatch clears `verified_at`,
 * so it is reported again by every run until it is resolved.
 */
export const checkSettlementsOnChain: TReconciliationCheck = {
  name: 'settlements_on_chain',
  async run(context) {
    const { db, publicClient } = context;
    const findings = new FindingList();
    const head = Number(await publicClient.getBlockNumber());
    const recheckFrom = Math.max(0, head - SETTLEMENT_REORG_WINDOW_BLOCKS);

    const due = await sql<{ tx_hash: string }>`
      SELECT s.tx_hash FROM settlements s JOIN intents i ON i.id = s.intent_id
       WHERE s.tx_hash IS NOT NULL AND i.status = 'CONFIRMED'
         AND (s.verified_at IS NULL OR s.block_number IS NULL OR s.block_number > ${recheckFrom})
       GROUP BY s.tx_hash
       ORDER BY min(s.created_at), s.tx_hash
       LIMIT ${SETTLEMENT_TXS_PER_RUN_MAX + 1}`.execute(db);
    const more = due.rows.length > SETTLEMENT_TXS_PER_RUN_MAX;
    const hashes = due.rows.slice(0, SETTLEMENT_TXS_PER_RUN_MAX).map((row) => row.tx_hash);

    const blocks = new Map<number, Promise<Hex | null>>();
    const canonicalHash = (blockNumber: number) => {
      let found = blocks.get(blockNumber);
      if (!found) {
        found = publicClient
          .getBlock({ blockNumber: BigInt(blockNumber) })
          .then((block) => block.hash as Hex)
          .catch((error: unknown) => {
            if (error instanceof BlockNotFoundError) return null;
            throw error;
          });
        blocks.set(blockNumber, found);
      }
      return found;
    };

    const counts = { transactions: 0, settlements: 0, matched: 0, mismatched: 0 } as Record<string, number>;
    const byKind: Record<string, number> = {};
    for (let start = 0; start < hashes.length; start += SETTLEMENT_BATCH_SIZE) {
      const batch = hashes.slice(start, start + SETTLEMENT_BATCH_SIZE);
      const rows = await sql<TSettlementToMatch>`
        SELECT s.id, s.kind, s.wallet, s.tx_hash, s.block_number, s.block_hash, s.amount, s.currency, s.details,
               p.slug AS program_slug, p.treasury_address, p.sge_id_address
          FROM settlements s JOIN intents i ON i.id = s.intent_id JOIN programs p ON p.id = s.program_id
         WHERE s.tx_hash = ANY(${batch}::text[]) AND i.status = 'CONFIRMED'
         ORDER BY s.tx_hash, s.log_index NULLS LAST, s.id`.execute(db);
      const byHash = new Map<string, TSettlementToMatch[]>();
      for (const row of rows.rows) {
        const list = byHash.get(row.tx_hash) ?? [];
        list.push(row);
        byHash.set(row.tx_hash, list);
      }
      const verdicts = await mapConcurrent(
        [...byHash],
        SETTLEMENT_RPC_CONCURRENCY,
        async ([hash, settlements]) => {
          const receipt = await publicClient
            .getTransactionReceipt({ hash: hash as Hex })
            .catch((error: unknown) => {
              if (error instanceof TransactionReceiptNotFoundError) return null;
              throw error;
            });
          const results: { settlement: TSettlementToMatch; mismatch: TMismatch | null }[] = [];
          for (const settlement of settlements) {
            results.push({
              settlement,
              mismatch: await matchSettlement(context, settlement, receipt, canonicalHash),
            });
          }
          return results;
        },
      );
      const matched: string[] = [];
      const mismatched: string[] = [];
      for (const results of verdicts) {
        counts.transactions!++;
        for (const { settlement, mismatch } of results) {
          counts.settlements!++;
          byKind[settlement.kind] = (byKind[settlement.kind] ?? 0) + 1;
          if (!mismatch) {
            matched.push(settlement.id);
            continue;
          }
          mismatched.push(settlement.id);
          findings.add({
            kind: mismatch.kind,
            severity: 'FAIL',
            subject: `settlement:${settlement.id}`,
            message: `${settlement.kind} settlement ${settlement.id} (program ${settlement.program_slug}, tx ${settlement.tx_hash}): ${mismatch.message}`,
            details: {
              settlementId: settlement.id,
              settlementKind: settlement.kind,
              txHash: settlement.tx_hash,
              blockNumber: settlement.block_number,
              blockHash: settlement.block_hash,
              amount: settlement.amount,
              currency: settlement.currency,
              wallet: settlement.wallet,
              ...mismatch.details,
            },
          });
        }
      }
      counts.matched! += matched.length;
      counts.mismatched! += mismatched.length;
      const now = context.now();
      if (matched.length > 0) {
        await db.updateTable('settlements').set({ verified_at: now }).where('id', 'in', matched).execute();
      }
      if (mismatched.length > 0) {
        await db
          .updateTable('settlements')
          .set({ verified_at: null })
          .where('id', 'in', mismatched)
          .execute();
      }
    }

    const offChain = await sql<{ kind: string; n: number }>`
      SELECT s.kind, count(*)::int8 AS n FROM settlements s
       WHERE s.tx_hash IS NULL GROUP BY s.kind ORDER BY s.kind`.execute(db);
    const withoutTransaction = Object.fromEntries(offChain.rows.map((row) => [row.kind, row.n]));
    const mismatchKinds: Record<string, number> = {};
    for (const finding of findings.items)
      mismatchKinds[finding.kind] = (mismatchKinds[finding.kind] ?? 0) + 1;
    return {
      summary:
        findings.count === 0
          ? `${counts.settlements} settlement(s) in ${counts.transactions} transaction(s) match the chain${more ? ' (more left for the next run)' : ''}`
          : `${findings.count} settlement(s) do not match the chain`,
      figures: {
        chainHead: head,
        checkedTransactions: counts.transactions,
        checkedSettlements: counts.settlements,
        matched: counts.matched,
        mismatched: counts.mismatched,
        checkedByKind: byKind,
        mismatchKinds,
        moreLeft: more,
        /** Settlements without a transaction: payment-provider settlements and SGE-IDs already held (not matched on-chain). */
        withoutTransaction,
      },
      findings,
    };
  },
};

async function matchSettlement(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  receipt: TransactionReceipt | null,
  canonicalHash: (blockNumber: number) => Promise<Hex | null>,
): Promise<TMismatch | null> {
  const recordedBlock = settlement.block_number;
  if (!receipt) {
    if (recordedBlock !== null) {
      const canonical = await canonicalHash(recordedBlock);
      if (canonical === null || (settlement.block_hash && !sameHex(canonical, settlement.block_hash))) {
        return {
          kind: 'REORGED',
          message: `the transaction is gone and block ${recordedBlock} is ${canonical ? `now ${canonical}` : 'no longer in the chain'}: dropped by a reorg`,
          details: { canonicalBlockHash: canonical },
        };
      }
    }
    return { kind: 'MISSING', message: 'no such transaction on the chain' };
  }
  if (receipt.status !== 'success') {
    return {
      kind: 'FAILED',
      message: `the transaction reverted in block ${receipt.blockNumber}`,
      details: { receiptBlockNumber: Number(receipt.blockNumber) },
    };
  }
  const receiptBlock = Number(receipt.blockNumber);
  if (recordedBlock !== null && receiptBlock !== recordedBlock) {
    return {
      kind: 'REORGED',
      message: `the transaction is now in block ${receiptBlock}, not ${recordedBlock} (reorganised)`,
      details: { receiptBlockNumber: receiptBlock, receiptBlockHash: receipt.blockHash },
    };
  }
  if (settlement.block_hash && !sameHex(receipt.blockHash, settlement.block_hash)) {
    return {
      kind: 'REORGED',
      message: `block ${receiptBlock} is now ${receipt.blockHash}, not the recorded ${settlement.block_hash} (reorganised)`,
      details: { receiptBlockHash: receipt.blockHash },
    };
  }
  switch (settlement.kind) {
    case 'REGISTER':
      return matchMint(context, settlement, receipt);
    case 'CLAIM':
      return matchClaimFee(context, settlement, receipt);
    case 'PAYOUT':
      return await matchPayout(context, settlement, receipt);
    default:
      return null;
  }
}

type TTransfer = {
  token: Address;
  from: Address;
  to: Address;
  value: bigint;
  indexed: boolean;
  logIndex: number;
};

/** The Transfer logs of a receipt: ERC-20 (value in data) and ERC-721 (token id as the fourth topic). */
function transfersOf(logs: readonly Log[]): TTransfer[] {
  const transfers: TTransfer[] = [];
  for (const log of logs) {
    const topics = log.topics;
    if (topics[0] !== TRANSFER_TOPIC || topics.length < 3) continue;
    const erc721 = topics.length === 4;
    const raw = erc721 ? topics[3]! : log.data;
    if (!raw || raw === '0x') continue;
    transfers.push({
      token: getAddress(log.address),
      from: topicAddress(topics[1]!),
      to: topicAddress(topics[2]!),
      value: hexToBigInt(raw as Hex),
      indexed: erc721,
      logIndex: log.logIndex ?? -1,
    });
  }
  return transfers;
}

function matchMint(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  receipt: TransactionReceipt,
): TMismatch | null {
  const contract = addressOrNull(settlement.sge_id_address) ?? context.contracts.sgeId;
  const mints = transfersOf(receipt.logs).filter(
    (transfer) => transfer.indexed && (!contract || isAddressEqual(transfer.token, contract)),
  );
  const wallet = addressOrNull(settlement.wallet);
  const toWallet = mints.find((transfer) => wallet && isAddressEqual(transfer.to, wallet));
  if (!toWallet) {
    return {
      kind: 'WRONG_RECIPIENT',
      message: `no SGE-ID was transferred to ${settlement.wallet} in this transaction`,
      details: { mintedTo: mints.slice(0, 10).map((transfer) => transfer.to), mints: mints.length },
    };
  }
  const tokenId = typeof settlement.details.tokenId === 'string' ? BigInt(settlement.details.tokenId) : null;
  if (tokenId !== null && toWallet.value !== tokenId) {
    return {
      kind: 'WRONG_AMOUNT',
      message: `the SGE-ID transferred to ${settlement.wallet} is token ${toWallet.value}, the settlement says ${tokenId}`,
      details: { onChainTokenId: toWallet.value, recordedTokenId: tokenId },
    };
  }
  return null;
}

function matchClaimFee(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  receipt: TransactionReceipt,
): TMismatch | null {
  // A claim settlement records the fee token and the treasury it verified (domain/claims/record-claim.ts);
  // older or other settlements fall back to the program's and the platform's addresses.
  const detail = (key: string) =>
    typeof settlement.details[key] === 'string' ? (settlement.details[key] as string) : null;
  const token =
    addressOrNull(detail('tokenAddress')) ??
    (settlement.currency === 'USDT'
      ? context.contracts.usdt
      : settlement.currency === 'USDC'
        ? context.contracts.usdc
        : null);
  const treasury =
    addressOrNull(detail('treasury')) ??
    addressOrNull(settlement.treasury_address) ??
    context.treasuryAddress;
  const wallet = addressOrNull(settlement.wallet);
  if (!token || !treasury || !wallet) return null; // nothing on-chain to compare the amount with
  const claimContract = addressOrNull(detail('claimContract'));
  const relayFee = detail('relayFee');
  if (relayFee !== null && claimContract)
    return matchGaslessClaimFee(settlement, receipt, {
      token,
      treasury,
      wallet,
      claimContract,
      relayFee: BigInt(relayFee),
    });
  const paid = transfersOf(receipt.logs).filter(
    (transfer) =>
      !transfer.indexed && isAddressEqual(transfer.token, token) && isAddressEqual(transfer.from, wallet),
  );
  const toTreasury = paid.filter((transfer) => isAddressEqual(transfer.to, treasury));
  if (paid.length > 0 && toTreasury.length === 0) {
    return {
      kind: 'WRONG_RECIPIENT',
      message: `the fee went to ${paid[0]!.to}, not to the treasury ${treasury}`,
      details: { paidTo: paid.slice(0, 10).map((transfer) => transfer.to), treasury },
    };
  }
  const total = toTreasury.reduce((sum, transfer) => sum + transfer.value, 0n);
  if (total !== settlement.amount) {
    return {
      kind: 'WRONG_AMOUNT',
      message: `the transaction paid ${total} ${settlement.currency} to the treasury, the settlement says ${settlement.amount}`,
      details: { onChainAmount: total, treasury },
    };
  }
  return null;
}

/**
 * A gasless claim (issue 19): the wallet's authorization moved the fee plus the relay fee to the claim
 * contract, which paid the treasury (in a batch, all the batch's fees in one Transfer).
 */
function matchGaslessClaimFee(
  settlement: TSettlementToMatch,
  receipt: TransactionReceipt,
  input: { token: Address; treasury: Address; wallet: Address; claimContract: Address; relayFee: bigint },
): TMismatch | null {
  const transfers = transfersOf(receipt.logs).filter(
    (transfer) => !transfer.indexed && isAddressEqual(transfer.token, input.token),
  );
  const pulled = transfers.some(
    (transfer) =>
      isAddressEqual(transfer.from, input.wallet) &&
      isAddressEqual(transfer.to, input.claimContract) &&
      transfer.value === settlement.amount + input.relayFee,
  );
  const forwarded = transfers.some(
    (transfer) =>
      isAddressEqual(transfer.from, input.claimContract) &&
      isAddressEqual(transfer.to, input.treasury) &&
      transfer.value >= settlement.amount,
  );
  if (pulled && forwarded) return null;
  return {
    kind: 'WRONG_AMOUNT',
    message: `the gasless claim holds no Transfer of ${settlement.amount} + ${input.relayFee} ${settlement.currency} from the wallet to the claim contract and of the fee on to the treasury ${input.treasury}`,
    details: { treasury: input.treasury, claimContract: input.claimContract },
  };
}

async function matchPayout(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  receipt: TransactionReceipt,
): Promise<TMismatch | null> {
  const token = context.contracts.usdc;
  const batchId = typeof settlement.details.batchId === 'string' ? settlement.details.batchId : null;
  if (!token) return null;
  const transfers = transfersOf(receipt.logs).filter(
    (transfer) => !transfer.indexed && isAddressEqual(transfer.token, token),
  );
  const total = transfers.reduce((sum, transfer) => sum + transfer.value, 0n);
  if (batchId) {
    const payouts = await context.db
      .selectFrom('payouts')
      .select(['id', 'wallet', 'amount'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'PAID')
      .orderBy('id')
      .execute();
    for (const payout of payouts) {
      const received = transfers
        .filter((transfer) => isAddressEqual(transfer.to, getAddress(payout.wallet)))
        .reduce((sum, transfer) => sum + transfer.value, 0n);
      if (received === 0n) {
        return {
          kind: 'WRONG_RECIPIENT',
          message: `payout ${payout.id} to ${payout.wallet} is not among the transaction's USDC transfers`,
          details: { payoutId: payout.id, paidTo: transfers.slice(0, 10).map((transfer) => transfer.to) },
        };
      }
      if (received !== payout.amount) {
        return {
          kind: 'WRONG_AMOUNT',
          message: `payout ${payout.id} to ${payout.wallet} is ${payout.amount}, the transaction paid ${received}`,
          details: { payoutId: payout.id, onChainAmount: received },
        };
      }
    }
  }
  if (total !== settlement.amount) {
    return {
      kind: 'WRONG_AMOUNT',
      message: `the transaction paid ${total} USDC in all, the settlement says ${settlement.amount}`,
      details: { onChainAmount: total },
    };
  }
  return null;
}

function topicAddress(topic: Hex): Address {
  return getAddress(`0x${topic.slice(-40)}`);
}

function addressOrNull(value: string | null): Address | null {
  return value && /^0x[0-9a-fA-F]{40}$/.test(value) ? getAddress(value) : null;
}

function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
