import type { TClaimToken } from '@sge/shared';
import {
  type Address,
  getAddress,
  type Hex,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from 'viem';
import {
  decodeClaimedLog,
  decodeTransferLog,
  readTreasuryAt,
  type TClaimContractTerms,
  type TClaimedLog,
} from '../../chain/claim-contract';
import { decodeGaslessOutcomes } from '../../chain/gasless-claim';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { chainRead, programClaimTerms, type TClaimEnvironment } from './claim-context';
import type { TVerifiedClaim } from './record-claim';

/** Which check a claim transaction failed (details.problem of CLAIM_TX_INVALID). */
export type TClaimTxProblem =
  | 'sender'
  | 'contract'
  | 'no-claim-event'
  | 'token'
  | 'fee'
  | 'amount'
  | 'fee-transfer'
  | 'sge-transfer';

function invalid(problem: TClaimTxProblem, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('CLAIM_TX_INVALID', message, { details: { problem, ...details } });
}

/**
 * Checks a Claimed event against the program: paid in the contract's USDC or USDT, the contract's fee (which
 * must be the program's fee) and the program's SGE amount. Returns the token symbol.
 */
export function checkClaimedTerms(
  program: TProgram,
  terms: TClaimContractTerms,
  claimed: TClaimedLog,
): TClaimToken {
  const token =
    claimed.paymentToken === terms.usdc ? 'USDC' : claimed.paymentToken === terms.usdt ? 'USDT' : null;
  if (token === null) {
    throw invalid(
      'token',
      `the claim was paid in ${claimed.paymentToken}, neither the program's USDC nor USDT`,
      {
        paymentToken: claimed.paymentToken,
      },
    );
  }
  if (claimed.fee !== terms.fee || claimed.fee !== program.fee_micro_usd) {
    throw invalid(
      'fee',
      `the claim paid a fee of ${claimed.fee}, the program's fee is ${program.fee_micro_usd} (contract: ${terms.fee})`,
      { fee: claimed.fee.toString(), expected: program.fee_micro_usd.toString() },
    );
  }
  if (claimed.amount !== terms.claimAmount || claimed.amount !== program.claim_amount_wei) {
    throw invalid(
      'amount',
      `the claim paid out ${claimed.amount} SGE wei, the program's amount is ${program.claim_amount_wei}`,
      { amountWei: claimed.amount.toString(), expected: program.claim_amount_wei.toString() },
    );
  }
  return token;
}

type TTransfer = { token: Address; from: Address; to: Address; value: bigint };

/**
 * The fee the treasury received from a claim the wallet sent itself: the Transfers of the fee token from the
 * wallet to the treasury. A token with a transfer fee (USDT's basisPointsRate) delivers less and sends the
 * rest elsewhere in the same call (TetherToken: to its owner); the Transfers from the wallet must then add up
 * to the fee charged (CLAIM_TX_INVALID fee-transfer otherwise).
 */
function feeReceived(
  transfers: readonly TTransfer[],
  input: { wallet: Address; treasury: Address; claimed: TClaimedLog; txHash: Hex },
): bigint {
  const { wallet, treasury, claimed } = input;
  if (claimed.fee === 0n) return 0n;
  const fromWallet = transfers.filter((t) => t.token === claimed.paymentToken && t.from === wallet);
  const received = fromWallet.filter((t) => t.to === treasury).reduce((sum, t) => sum + t.value, 0n);
  const sent = fromWallet.reduce((sum, t) => sum + t.value, 0n);
  if (received === 0n || received > claimed.fee || sent !== claimed.fee) {
    throw invalid(
      'fee-transfer',
      `transaction ${input.txHash} holds no Transfer of the fee from ${wallet} to the treasury ${treasury} (received ${received} of ${claimed.fee})`,
      { received: received.toString(), fee: claimed.fee.toString() },
    );
  }
  return received;
}

/**
 * The fee of a gasless claim: the wallet's authorization moved fee + relay fee to the claim contract, which
 * forwarded the fee (in a batch, every claim's fee in one Transfer) to the treasury.
 */
function gaslessFeeReceived(
  transfers: readonly TTransfer[],
  input: {
    wallet: Address;
    treasury: Address;
    claimContract: Address;
    claimed: TClaimedLog;
    relayed: { relayFee: bigint };
    txHash: Hex;
  },
): bigint {
  const { wallet, treasury, claimContract, claimed } = input;
  const pulled = transfers.some(
    (t) =>
      t.token === claimed.paymentToken &&
      t.from === wallet &&
      t.to === claimContract &&
      t.value === claimed.fee + input.relayed.relayFee,
  );
  const forwarded =
    claimed.fee === 0n ||
    transfers.some(
      (t) =>
        t.token === claimed.paymentToken &&
        t.from === claimContract &&
        t.to === treasury &&
        t.value >= claimed.fee,
    );
  if (!pulled || !forwarded) {
    throw invalid(
      'fee-transfer',
      `gasless claim ${input.txHash} holds no Transfer of ${claimed.fee} + ${input.relayed.relayFee} from ${wallet} to the claim contract and of the fee on to the treasury ${treasury}`,
    );
  }
  return claimed.fee;
}

async function fetchReceipt(env: TClaimEnvironment, txHash: Hex): Promise<TransactionReceipt> {
  try {
    return await env.client.getTransactionReceipt({ hash: txHash });
  } catch (error) {
    if (!(error instanceof TransactionReceiptNotFoundError)) {
      return await chainRead(`the receipt of ${txHash}`, () => Promise.reject(error));
    }
  }
  // No receipt: a transaction still waiting to be mined, or none at all.
  try {
    await env.client.getTransaction({ hash: txHash });
  } catch (error) {
    if (error instanceof TransactionNotFoundError) {
      throw new AppError('CLAIM_TX_NOT_FOUND', `no transaction ${txHash} on chain ${env.chainId}`, {
        details: { field: 'body.txHash', txHash },
      });
    }
    return await chainRead(`the transaction ${txHash}`, () => Promise.reject(error));
  }
  throw new AppError('CLAIM_TX_PENDING', `transaction ${txHash} is not mined yet; record it once it is`, {
    details: { txHash },
  });
}

/**
 * Verifies on the chain, trusting nothing the client said, that `txHash` is a successful claim of `wallet`
 * on the program's claim contract with the program's terms:
 * - the receipt exists (CLAIM_TX_NOT_FOUND 404; CLAIM_TX_PENDING 409 while not mined or not final yet) and
 *   succeeded (CLAIM_TX_FAILED 422);
 * - when `direct` (the API's record path), the transaction was sent by `wallet` to the claim contract;
 * - the claim contract emitted Claimed(wallet, token, fee, amount) in it, with the program's terms; the
 *   fee went from the wallet to the contract's treasury of that block, and the SGE from the contract to
 *   the wallet, both as Transfer logs of the same receipt (CLAIM_TX_INVALID 422 naming the check).
 *
 * @example
 * const claim = await verifyClaimTransaction(env, program, { wallet, txHash, direct: true });
 * await recordVerifiedClaim(env.db, claim);
 */
export async function verifyClaimTransaction(
  env: TClaimEnvironment,
  program: TProgram,
  input: { wallet: Address; txHash: Hex; direct: boolean; source: 'api' | 'watcher' },
): Promise<TVerifiedClaim> {
  const wallet = getAddress(input.wallet);
  const txHash = input.txHash.toLowerCase() as Hex;
  const terms = await programClaimTerms(program, env);
  const receipt = await fetchReceipt(env, txHash);
  if (receipt.status !== 'success') {
    throw new AppError('CLAIM_TX_FAILED', `transaction ${txHash} reverted: it claimed nothing`, {
      details: { txHash, blockNumber: Number(receipt.blockNumber) },
    });
  }
  if (input.direct && getAddress(receipt.from) !== wallet) {
    throw invalid(
      'sender',
      `transaction ${txHash} was sent by ${getAddress(receipt.from)}, not by ${wallet}`,
      {
        from: getAddress(receipt.from),
      },
    );
  }
  if (input.direct && (receipt.to === null || getAddress(receipt.to) !== terms.address)) {
    throw invalid(
      'contract',
      `transaction ${txHash} was sent to ${receipt.to ?? 'no contract (a deployment)'}, not to the program's claim contract ${terms.address}`,
      { to: receipt.to, claimContract: terms.address },
    );
  }
  const claimed = receipt.logs
    .map((log) => decodeClaimedLog(log, terms.address))
    .find((log) => log !== null && log.account === wallet);
  if (!claimed) {
    throw invalid(
      'no-claim-event',
      `transaction ${txHash} holds no Claimed event of ${wallet} from ${terms.address}`,
    );
  }
  const token = checkClaimedTerms(program, terms, claimed);

  const transfers = receipt.logs.map((log) => decodeTransferLog(log)).filter((log) => log !== null);
  const treasury = await chainRead('the claim contract treasury', () =>
    readTreasuryAt(env.client, terms.address, receipt.blockNumber),
  );
  const relayed = [...decodeGaslessOutcomes(receipt.logs, terms.address).relayed.values()].find(
    (outcome) => outcome.account === wallet,
  );
  const received = relayed
    ? gaslessFeeReceived(transfers, {
        wallet,
        treasury,
        claimContract: terms.address,
        claimed,
        relayed,
        txHash,
      })
    : feeReceived(transfers, { wallet, treasury, claimed, txHash });
  if (
    !transfers.some(
      (t) =>
        t.token === terms.sge && t.from === terms.address && t.to === wallet && t.value === claimed.amount,
    )
  ) {
    throw invalid(
      'sge-transfer',
      `transaction ${txHash} holds no Transfer of the SGE from the vault to ${wallet}`,
    );
  }

  const head = await chainRead('the block number', () => env.client.getBlockNumber({ cacheTime: 0 }));
  const depth = head - receipt.blockNumber + 1n;
  if (depth < BigInt(env.confirmations)) {
    throw new AppError(
      'CLAIM_TX_PENDING',
      `transaction ${txHash} has ${depth} of ${env.confirmations} confirmations; record it again shortly`,
      { details: { txHash, confirmations: Number(depth), needed: env.confirmations } },
    );
  }
  const block = await chainRead('the block', () => env.client.getBlock({ blockHash: receipt.blockHash }));
  return {
    programId: program.id,
    wallet,
    token,
    tokenAddress: claimed.paymentToken,
    fee: received,
    feeCharged: claimed.fee,
    relay: relayed ? { relayFee: relayed.relayFee, relayer: relayed.relayer } : null,
    amountWei: claimed.amount,
    claimContract: terms.address,
    treasury,
    txHash,
    blockNumber: Number(receipt.blockNumber),
    blockHash: receipt.blockHash.toLowerCase(),
    logIndex: claimed.logIndex,
    blockTime: new Date(Number(block.timestamp) * 1000),
    source: input.source,
  };
}
