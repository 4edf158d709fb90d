import { sql } from 'kysely';
import { BlockNotFoundError, type Hex, TransactionReceiptNotFoundError } from 'viem';
import {
  createTimeSlicer,
  FindingList,
  mapConcurrent,
  type TReconciliationCheck,
  type TReconciliationContext,
} from './check-context';
import { decodeReceipt, type TDecodedReceipt } from './decode-receipt';
import { matchSettlement, type TMismatch, type TSettlementToMatch } from './match-settlement';
import {
  RECHECK_BLOCKS_DEFAULT,
  RECHECK_MINUTES_DEFAULT,
  RUN_SLICE_MS,
  SETTLEMENT_BATCH_SIZE,
  SETTLEMENT_RPC_CONCURRENCY,
  SETTLEMENT_TXS_PER_RUN_MAX,
} from './reconciliation-limits';
import { after, readWatermark, type TWatermark, writeWatermark } from './watermarks';

const NAME = 'settlements_on_chain';

/**
 * Every CONFIRMED settlement with a transaction hash, matched to its on-chain transaction (match-settlement.ts):
 * the receipt exists (else MISSING) and succeeded (else FAILED), it is in the recorded block, whose hash is
 * still the canonical one (else REORGED), and the transfers it made are the settlement's (REGISTER: the SGE-ID
 * to the wallet; CLAIM: the fee to the treasury; PAYOUT: each payout's USDC; else WRONG_RECIPIENT/WRONG_AMOUNT).
 *
 * What a run reads (issue 22 §3), transaction by transaction — every settlement of a transaction is matched
 * against one receipt, fetched and decoded once per run:
 * - INCREMENTAL: the settlements after the watermark (created_at, id), in that order, at most
 *   SETTLEMENT_TXS_PER_RUN_MAX transactions (the watermark stops where the run stopped; the figures say more
 *   are left); then, again, those recorded up to RECONCILIATION_RECHECK_MINUTES before the watermark, those in
 *   the last RECONCILIATION_RECHECK_BLOCKS blocks (a reorg can still drop them, however often verified), and
 *   the older ones not verified yet (a mismatch clears `verified_at`, so it is reported by every run until it
 *   is resolved), each set bounded by the same maximum;
 * - FULL: every settlement, from the beginning, with progress (checked / total).
 * A settlement that matches is marked verified (`verified_at`). Settlements of a payment provider (Commerce:
 * no transaction hash) are not matched on-chain; they are counted.
 */
export const checkSettlementsOnChain: TReconciliationCheck = {
  name: NAME,
  async run(context) {
    const { db, publicClient } = context;
    const full = context.run?.mode === 'FULL';
    const findings = new FindingList();
    const head = Number(await publicClient.getBlockNumber());
    const recheckFrom = Math.max(0, head - (context.recheckBlocks ?? RECHECK_BLOCKS_DEFAULT));
    const recheckMs = (context.recheckMinutes ?? RECHECK_MINUTES_DEFAULT) * 60_000;
    const since = full ? null : await readWatermark(db, NAME);
    const matcher = createMatcher(context, findings);
    const txBudget = full ? Number.POSITIVE_INFINITY : SETTLEMENT_TXS_PER_RUN_MAX;

    // 1. What is new: settlements after the watermark, page by page in (created_at, id) order.
    const total = await countAfter(context, since);
    let cursor: TWatermark | null = since;
    let scanned = 0;
    let more = false;
    for (;;) {
      const page = await sql<{ id: string; created_at_text: string; tx_hash: string }>`
        SELECT s.id, s.created_at::text AS created_at_text, s.tx_hash FROM settlements s
         WHERE s.tx_hash IS NOT NULL AND ${after('s', cursor, 0)}
         ORDER BY s.created_at, s.id LIMIT ${SETTLEMENT_BATCH_SIZE}`.execute(db);
      if (page.rows.length === 0) break;
      const hashes = [...new Set(page.rows.map((row) => row.tx_hash))];
      if (matcher.transactions() > 0 && matcher.transactions() + hashes.length > txBudget) {
        more = true;
        break;
      }
      await matcher.match(hashes);
      const last = page.rows[page.rows.length - 1]!;
      cursor = { createdAt: last.created_at_text, id: last.id };
      scanned += page.rows.length;
      await context.run?.progress(scanned, total);
      if (page.rows.length < SETTLEMENT_BATCH_SIZE) break;
    }

    // 2. Incremental: the re-check windows and what is still unverified behind the watermark.
    if (!full && since) {
      const windows = await sql<{ tx_hash: string }>`
        SELECT DISTINCT s.tx_hash FROM settlements s
         WHERE s.tx_hash IS NOT NULL AND ${after('s', since, recheckMs)} AND NOT ${after('s', since, 0)}
         LIMIT ${SETTLEMENT_TXS_PER_RUN_MAX}`.execute(db);
      const reorgable = await sql<{ tx_hash: string }>`
        SELECT DISTINCT s.tx_hash FROM settlements s
         WHERE s.tx_hash IS NOT NULL AND s.block_number > ${recheckFrom}
         LIMIT ${SETTLEMENT_TXS_PER_RUN_MAX}`.execute(db);
      const unverified = await sql<{ tx_hash: string }>`
        SELECT s.tx_hash FROM settlements s JOIN intents i ON i.id = s.intent_id
         WHERE s.verified_at IS NULL AND s.tx_hash IS NOT NULL AND i.status = 'CONFIRMED'
           AND NOT ${after('s', since, 0)}
         ORDER BY s.created_at, s.id LIMIT ${SETTLEMENT_TXS_PER_RUN_MAX}`.execute(db);
      for (const rows of [windows.rows, reorgable.rows, unverified.rows]) {
        const hashes = [...new Set(rows.map((row) => row.tx_hash))];
        for (let start = 0; start < hashes.length; start += SETTLEMENT_BATCH_SIZE) {
          await matcher.match(hashes.slice(start, start + SETTLEMENT_BATCH_SIZE));
        }
      }
    }
    if (cursor && cursor !== since) await writeWatermark(db, NAME, cursor, context.run?.id ?? null);

    const offChain = await sql<{ kind: string; n: number }>`
      SELECT s.kind, count(*)::int8 AS n FROM settlements s
       WHERE s.tx_hash IS NULL AND ${after('s', full ? null : since, 0)} GROUP BY s.kind ORDER BY s.kind`.execute(
      db,
    );
    const counts = matcher.counts;
    const mismatchKinds: Record<string, number> = {};
    for (const finding of findings.items)
      mismatchKinds[finding.kind] = (mismatchKinds[finding.kind] ?? 0) + 1;
    return {
      summary:
        findings.count === 0
          ? `${counts.settlements} settlement(s) in ${counts.transactions} transaction(s) match the chain${more ? ' (more left for the next run)' : ''}`
          : `${findings.count} settlement(s) do not match the chain`,
      figures: {
        mode: full ? 'FULL' : 'INCREMENTAL',
        chainHead: head,
        watermark: cursor,
        newSettlements: scanned,
        checkedTransactions: counts.transactions,
        checkedSettlements: counts.settlements,
        /** Receipts fetched and decoded (one per transaction). */
        receiptsDecoded: counts.receipts,
        matched: counts.matched,
        mismatched: counts.mismatched,
        checkedByKind: matcher.byKind,
        mismatchKinds,
        moreLeft: more,
        /** New settlements without a transaction: payment-provider settlements and SGE-IDs already held. */
        withoutTransaction: Object.fromEntries(offChain.rows.map((row) => [row.kind, row.n])),
      },
      findings,
    };
  },
};

/** Settlements with a transaction after `since` (all of them without one): the progress total. */
async function countAfter(context: TReconciliationContext, since: TWatermark | null): Promise<number> {
  const row = await sql<{ n: number }>`
    SELECT count(*)::int8 AS n FROM settlements s
     WHERE s.tx_hash IS NOT NULL AND ${after('s', since, 0)}`.execute(context.db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * Matches transactions (each once per run: a hash already matched is skipped) with all their CONFIRMED
 * settlements, records the findings and marks matched settlements verified, mismatched ones not.
 */
function createMatcher(context: TReconciliationContext, findings: FindingList) {
  const { db, publicClient } = context;
  const done = new Set<string>();
  const slicer = createTimeSlicer(RUN_SLICE_MS);
  const counts = { transactions: 0, settlements: 0, receipts: 0, matched: 0, mismatched: 0 };
  const byKind: Record<string, number> = {};
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
  const receiptOf = async (hash: string): Promise<TDecodedReceipt | null> => {
    const receipt = await publicClient
      .getTransactionReceipt({ hash: hash as Hex })
      .catch((error: unknown) => {
        if (error instanceof TransactionReceiptNotFoundError) return null;
        throw error;
      });
    if (!receipt) return null;
    counts.receipts++;
    await slicer.maybeYield();
    return decodeReceipt(receipt);
  };

  async function match(candidates: readonly string[]): Promise<void> {
    const hashes = candidates.filter((hash) => !done.has(hash));
    for (const hash of hashes) done.add(hash);
    if (hashes.length === 0) return;
    const rows = await sql<TSettlementToMatch>`
      SELECT s.id, s.kind, s.wallet, s.tx_hash, s.block_number, s.block_hash, s.amount, s.currency, s.details,
             p.slug AS program_slug, p.treasury_address, p.sge_id_address
        FROM settlements s JOIN intents i ON i.id = s.intent_id JOIN programs p ON p.id = s.program_id
       WHERE s.tx_hash = ANY(${hashes}::text[]) AND i.status = 'CONFIRMED'
       ORDER BY s.tx_hash, s.log_index NULLS LAST, s.id`.execute(db);
    const byHash = new Map<string, TSettlementToMatch[]>();
    for (const row of rows.rows) {
      const list = byHash.get(row.tx_hash);
      if (list) list.push(row);
      else byHash.set(row.tx_hash, [row]);
    }
    const verdicts = await mapConcurrent([...byHash], SETTLEMENT_RPC_CONCURRENCY, async ([hash, list]) => {
      const decoded = await receiptOf(hash);
      const results: { settlement: TSettlementToMatch; mismatch: TMismatch | null }[] = [];
      for (const settlement of list) {
        results.push({
          settlement,
          mismatch: await matchSettlement(context, settlement, decoded, canonicalHash),
        });
        await slicer.maybeYield();
      }
      return results;
    });
    const matched: string[] = [];
    const mismatched: string[] = [];
    for (const results of verdicts) {
      counts.transactions++;
      for (const { settlement, mismatch } of results) {
        counts.settlements++;
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
    counts.matched += matched.length;
    counts.mismatched += mismatched.length;
    const now = context.now();
    if (matched.length > 0) {
      await db.updateTable('settlements').set({ verified_at: now }).where('id', 'in', matched).execute();
    }
    if (mismatched.length > 0) {
      await db.updateTable('settlements').set({ verified_at: null }).where('id', 'in', mismatched).execute();
    }
  }

  return { match, counts, byKind, transactions: () => counts.transactions };
}
