import type { TClaimToken, TClaimView } from '@sge/shared';
import type { Selectable } from 'kysely';
import type { SettlementsTable } from '../../db/schema';
import type { TDbExecutor } from '../in-transaction';
import { explorerLinks } from '../registration/get-wallet-status';
import { CLAIM_HISTORY_ROWS_MAX } from './claim-limits';

/** What a CLAIM settlement keeps in `details` beside its columns (amount = fee, currency = token). */
export type TClaimSettlementDetails = {
  claimContract: string;
  tokenAddress: string;
  treasury: string;
  amountWei: string;
  source: 'api' | 'watcher';
  blockTime: string;
  /** The fee the claim contract charged, when the treasury received less (a token's transfer fee). */
  feeCharged?: string;
  /** A gasless claim's relay fee (USDC to `relayer`), absent for a claim the wallet sent itself. */
  relayFee?: string;
  relayer?: string;
};

type TSettlementRow = Selectable<SettlementsTable>;

/** A CLAIM settlement as the API shows it. */
export function toClaimView(row: TSettlementRow, explorerUrl: string | null): TClaimView {
  const details = row.details as unknown as TClaimSettlementDetails;
  return {
    intentId: row.intent_id,
    settlementId: row.id,
    programId: row.program_id,
    wallet: row.wallet!,
    token: row.currency as TClaimToken,
    fee: row.amount.toString(),
    feeCharged: details.feeCharged ?? row.amount.toString(),
    relayFee: details.relayFee ?? '0',
    amountWei: details.amountWei,
    txHash: row.tx_hash!,
    blockNumber: Number(row.block_number),
    logIndex: row.log_index!,
    claimContract: details.claimContract,
    source: details.source,
    claimedAt: details.blockTime,
    explorerTxUrl: explorerLinks(explorerUrl).tx(row.tx_hash),
  };
}

/** The recorded claims of a wallet in a program, newest first (normally one). */
export async function listClaimHistory(
  db: TDbExecutor,
  programId: string,
  wallet: string,
  explorerUrl: string | null,
): Promise<TClaimView[]> {
  const rows = await db
    .selectFrom('settlements')
    .selectAll()
    .where('program_id', '=', programId)
    .where('wallet', '=', wallet)
    .where('kind', '=', 'CLAIM')
    .orderBy('created_at', 'desc')
    .limit(CLAIM_HISTORY_ROWS_MAX)
    .execute();
  return rows.map((row) => toClaimView(row, explorerUrl));
}
