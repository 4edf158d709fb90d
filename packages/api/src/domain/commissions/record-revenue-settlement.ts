import { getAddress } from 'viem';
import type { TCurrency } from '../../db/schema';
import { AppError } from '../app-error';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { ACCOUNTS, REVENUE_CURRENCIES } from '../ledger/accounts';
import { postLedgerTransaction, type TLedgerEntryInput } from '../ledger/post-ledger-transaction';
import { accrueCommissions, type TAccrual, type TSettlementRow } from './accrue-commissions';

export type TRecordRevenueSettlementInput = {
  programId: string;
  /** The CLAIM or COMMERCE_PAYMENT intent this settlement confirms (one settlement per intent). */
  intentId: string;
  kind: 'CLAIM' | 'COMMERCE_PAYMENT';
  /** The paying user's wallet: its referrer earns the commissions. */
  wallet: string;
  /**
   * Revenue in the currency's smallest unit (6 decimals for USD, USDC, USDT). Positive; zero only for a CLAIM
   * of a free program (the claim contract allows a fee of 0), which must then hand out SGE.
   */
  amount: bigint;
  currency: Extract<TCurrency, 'USD' | 'USDC' | 'USDT'>;
  txHash?: string | null;
  blockNumber?: number | null;
  blockHash?: string | null;
  logIndex?: number | null;
  /** Payment provider reference (Commerce charge code). */
  providerRef?: string | null;
  details?: Record<string, unknown>;
  /** When the payment happened (block time, provider time): the hold period counts from here. Default now. */
  occurredAt?: Date;
  /**
   * SGE handed out by a claim, in wei: adds `debit sge_distributed / credit sge_vault` (SGE) to the same
   * ledger transaction.
   */
  sgeDistributedWei?: bigint;
};

export type TRecordedRevenueSettlement = TAccrual & {
  settlement: TSettlementRow;
  /** The revenue ledger transaction `settlement:<settlementId>`. */
  ledgerTransactionId: string;
};

/**
 * Records a confirmed revenue settlement and everything that follows from it, in one transaction (the
 * caller's, when it passes one, e.g. the one that marks the intent CONFIRMED):
 * 1. the settlement row (unique per intent);
 * 2. the ledger transaction `settlement:<settlementId>`, kind `revenue`: debit treasury, credit revenue in the
 *    settlement currency (plus the SGE distribution of a claim when `sgeDistributedWei` is given; a free
 *    claim, amount 0, has only the SGE entries);
 * 3. the commissions of the referring chain (accrueCommissions; none on an amount of 0).
 *
 * Idempotent per intent: recording the same intent again returns what was recorded (`created: false`)
 * and writes nothing; recording it with a different amount or currency is an AppError CONFLICT.
 *
 * @example
 * await recordRevenueSettlement(tx, { programId, intentId, kind: 'CLAIM', wallet, amount: 100_000_000n,
 *   currency: 'USDC', txHash, blockNumber, occurredAt: blockTime, sgeDistributedWei: 1000n * 10n ** 18n });
 */
export async function recordRevenueSettlement(
  db: TDbExecutor,
  input: TRecordRevenueSettlementInput,
): Promise<TRecordedRevenueSettlement> {
  if (!REVENUE_CURRENCIES.includes(input.currency) || input.amount < 0n) {
    throw new AppError('VALIDATION_FAILED', `revenue must be a positive amount of USD, USDC or USDT`);
  }
  const free = input.amount === 0n;
  if (free && (input.kind !== 'CLAIM' || !input.sgeDistributedWei || input.sgeDistributedWei <= 0n)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `revenue of 0 is only a free claim (kind CLAIM handing out SGE); ${input.kind} needs a positive amount`,
    );
  }
  return await inTransaction(db, async (tx) => {
    const wallet = getAddress(input.wallet);
    const inserted = await tx
      .insertInto('settlements')
      .values({
        program_id: input.programId,
        intent_id: input.intentId,
        kind: input.kind,
        wallet,
        tx_hash: input.txHash ?? null,
        block_number: input.blockNumber ?? null,
        block_hash: input.blockHash ?? null,
        log_index: input.logIndex ?? null,
        provider_ref: input.providerRef ?? null,
        amount: input.amount,
        currency: input.currency,
        details: input.details ?? {},
      })
      .onConflict((oc) => oc.column('intent_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    const settlement =
      inserted ??
      (await tx
        .selectFrom('settlements')
        .selectAll()
        .where('intent_id', '=', input.intentId)
        .executeTakeFirstOrThrow());
    if (
      !inserted &&
      (settlement.amount !== input.amount ||
        settlement.currency !== input.currency ||
        settlement.program_id !== input.programId)
    ) {
      throw new AppError(
        'CONFLICT',
        `intent ${input.intentId} is already settled with ${settlement.amount} ${settlement.currency}`,
      );
    }
    // A free claim moves no money: its ledger transaction holds only the SGE it handed out.
    const entries: TLedgerEntryInput[] = free
      ? []
      : [
          { account: ACCOUNTS.treasury, currency: input.currency, amount: input.amount },
          { account: ACCOUNTS.revenue, currency: input.currency, amount: -input.amount },
        ];
    if (input.sgeDistributedWei && input.sgeDistributedWei > 0n) {
      entries.push(
        { account: ACCOUNTS.sgeDistributed, currency: 'SGE', amount: input.sgeDistributedWei },
        { account: ACCOUNTS.sgeVault, currency: 'SGE', amount: -input.sgeDistributedWei },
      );
    }
    const ledger = await postLedgerTransaction(tx, {
      programId: input.programId,
      reference: `settlement:${settlement.id}`,
      kind: 'revenue',
      description: `${input.kind === 'CLAIM' ? 'claim fee' : 'Commerce payment'} from ${wallet}`,
      entries,
    });
    const accrual = await accrueCommissions(tx, settlement, { occurredAt: input.occurredAt ?? new Date() });
    return { ...accrual, settlement, ledgerTransactionId: ledger.id, created: inserted !== undefined };
  });
}
