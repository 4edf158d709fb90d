import { getAddress, type Hex } from 'viem';
import type { TReconciliationContext } from './check-context';
import type { TDecodedReceipt } from './decode-receipt';

/** A settlement as the on-chain check reads it (with its program's addresses). */
export type TSettlementToMatch = {
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

export type TMismatch = { kind: string; message: string; details?: Record<string, unknown> };

/**
 * The first mismatch between a settlement and its transaction's decoded receipt (null when they match);
 * `canonicalHash` reads a block's canonical hash (cached by the caller).
 */
export async function matchSettlement(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  decoded: TDecodedReceipt | null,
  canonicalHash: (blockNumber: number) => Promise<Hex | null>,
): Promise<TMismatch | null> {
  const recordedBlock = settlement.block_number;
  if (!decoded) {
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
  const { receipt } = decoded;
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
      return matchMint(context, settlement, decoded);
    case 'CLAIM':
      return matchClaimFee(context, settlement, decoded);
    case 'PAYOUT':
      return await matchPayout(context, settlement, decoded);
    default:
      return null;
  }
}

function matchMint(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  decoded: TDecodedReceipt,
): TMismatch | null {
  const contract = lowerAddressOrNull(settlement.sge_id_address) ?? context.contracts.sgeId?.toLowerCase();
  const wallet = lowerAddressOrNull(settlement.wallet);
  const toWallet = wallet
    ? decoded.nftsByRecipient.get(wallet)?.find((transfer) => !contract || transfer.token === contract)
    : undefined;
  if (!toWallet) {
    const mints = decoded.transfers.filter(
      (transfer) => transfer.indexed && (!contract || transfer.token === contract),
    );
    return {
      kind: 'WRONG_RECIPIENT',
      message: `no SGE-ID was transferred to ${settlement.wallet} in this transaction`,
      details: {
        mintedTo: mints.slice(0, 10).map((transfer) => getAddress(transfer.to)),
        mints: mints.length,
      },
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
  decoded: TDecodedReceipt,
): TMismatch | null {
  // A claim settlement records the fee token and the treasury it verified (domain/claims/record-claim.ts);
  // older or other settlements fall back to the program's and the platform's addresses.
  const detail = (key: string) =>
    typeof settlement.details[key] === 'string' ? (settlement.details[key] as string) : null;
  const token =
    lowerAddressOrNull(detail('tokenAddress')) ??
    (settlement.currency === 'USDT'
      ? context.contracts.usdt
      : settlement.currency === 'USDC'
        ? context.contracts.usdc
        : null
    )?.toLowerCase();
  const treasury =
    lowerAddressOrNull(detail('treasury')) ??
    lowerAddressOrNull(settlement.treasury_address) ??
    context.treasuryAddress?.toLowerCase();
  const wallet = lowerAddressOrNull(settlement.wallet);
  if (!token || !treasury || !wallet) return null; // nothing on-chain to compare the amount with
  const claimContract = lowerAddressOrNull(detail('claimContract'));
  const relayFee = detail('relayFee');
  if (relayFee !== null && claimContract) {
    return matchGaslessClaimFee(settlement, decoded, {
      token,
      treasury,
      wallet,
      claimContract,
      relayFee: BigInt(relayFee),
    });
  }
  const paid = (decoded.erc20BySender.get(wallet) ?? []).filter((transfer) => transfer.token === token);
  const toTreasury = paid.filter((transfer) => transfer.to === treasury);
  if (paid.length > 0 && toTreasury.length === 0) {
    return {
      kind: 'WRONG_RECIPIENT',
      message: `the fee went to ${getAddress(paid[0]!.to)}, not to the treasury ${getAddress(treasury)}`,
      details: {
        paidTo: paid.slice(0, 10).map((transfer) => getAddress(transfer.to)),
        treasury: getAddress(treasury),
      },
    };
  }
  const total = toTreasury.reduce((sum, transfer) => sum + transfer.value, 0n);
  if (total !== settlement.amount) {
    return {
      kind: 'WRONG_AMOUNT',
      message: `the transaction paid ${total} ${settlement.currency} to the treasury, the settlement says ${settlement.amount}`,
      details: { onChainAmount: total, treasury: getAddress(treasury) },
    };
  }
  return null;
}

/**
 * A gasless claim (issue 19): the wallet's authorization moved the fee plus the relay fee to the claim contract,
 * which paid the treasury (in a batch, all the batch's fees in one Transfer).
 */
function matchGaslessClaimFee(
  settlement: TSettlementToMatch,
  decoded: TDecodedReceipt,
  input: { token: string; treasury: string; wallet: string; claimContract: string; relayFee: bigint },
): TMismatch | null {
  const pulled = (decoded.erc20BySender.get(input.wallet) ?? []).some(
    (transfer) =>
      transfer.token === input.token &&
      transfer.to === input.claimContract &&
      transfer.value === settlement.amount + input.relayFee,
  );
  const forwarded = (decoded.erc20BySender.get(input.claimContract) ?? []).some(
    (transfer) =>
      transfer.token === input.token && transfer.to === input.treasury && transfer.value >= settlement.amount,
  );
  if (pulled && forwarded) return null;
  return {
    kind: 'WRONG_AMOUNT',
    message: `the gasless claim holds no Transfer of ${settlement.amount} + ${input.relayFee} ${settlement.currency} from the wallet to the claim contract and of the fee on to the treasury ${getAddress(input.treasury)}`,
    details: { treasury: getAddress(input.treasury), claimContract: getAddress(input.claimContract) },
  };
}

async function matchPayout(
  context: TReconciliationContext,
  settlement: TSettlementToMatch,
  decoded: TDecodedReceipt,
): Promise<TMismatch | null> {
  const token = context.contracts.usdc?.toLowerCase();
  const batchId = typeof settlement.details.batchId === 'string' ? settlement.details.batchId : null;
  if (!token) return null;
  const transfers = decoded.transfers.filter((transfer) => !transfer.indexed && transfer.token === token);
  const total = transfers.reduce((sum, transfer) => sum + transfer.value, 0n);
  if (batchId) {
    const payouts = await context.db
      .selectFrom('payouts')
      .select(['id', 'wallet', 'amount'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'PAID')
      .orderBy('id')
      .execute();
    const receivedBy = new Map<string, bigint>();
    for (const transfer of transfers)
      receivedBy.set(transfer.to, (receivedBy.get(transfer.to) ?? 0n) + transfer.value);
    for (const payout of payouts) {
      const received = receivedBy.get(payout.wallet.toLowerCase()) ?? 0n;
      if (received === 0n) {
        return {
          kind: 'WRONG_RECIPIENT',
          message: `payout ${payout.id} to ${payout.wallet} is not among the transaction's USDC transfers`,
          details: {
            payoutId: payout.id,
            paidTo: transfers.slice(0, 10).map((transfer) => getAddress(transfer.to)),
          },
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

function lowerAddressOrNull(value: string | null): string | null {
  return value && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : null;
}

function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
