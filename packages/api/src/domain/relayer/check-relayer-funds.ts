import { sgeIdAbi } from '@sge/contracts';
import type { TFeeModel } from '@sge/shared';
import {
  type Address,
  type Chain,
  encodeFunctionData,
  getAddress,
  keccak256,
  type PublicClient,
  sliceHex,
  type Transport,
  toHex,
  zeroAddress,
} from 'viem';
import { estimateL1CostWei } from '../../chain/l1-fees';
import type { TDb } from '../../db/client';

/**
 * Gas one SGE-ID costs in a full mint batch: measured 25,800 per mint in batches of 100 to 500 (bench:gas,
 * bench:e2e); rounded up for the batch's fixed overhead and the calldata of longer batches. L2 execution only:
 * a rollup's L1 component is estimated apart (l1FeePerMintWei).
 */
export const MINT_GAS_PER_WALLET_ESTIMATE = 27_000n;

/**
 * Wallets in the sample mint batch whose L1 cost is estimated and divided per SGE-ID. The L1 cost grows with
 * the transaction's bytes (32 per wallet of calldata, plus the fixed envelope): 100, a typical batch, spreads
 * the envelope as a real batch does. The sample wallets are pseudo-random (keccak of their index): real
 * addresses compress like random bytes, which is what the L1 fee prices.
 */
export const L1_FEE_SAMPLE_WALLETS = 100;

export type TCheckRelayerFundsDeps = {
  publicClient: PublicClient<Transport, Chain>;
  chainId: number;
  feeModel: TFeeModel;
  relayerAddress: Address;
  /** The SGE-ID contract the mints go to; the zero address when none is configured (the estimate is the same). */
  sgeIdAddress: Address | null;
  priorityFeeWei: bigint;
  balanceWarningWei: bigint;
  balanceCriticalWei: bigint;
  /** Relayer transactions signed or broadcast and not final yet. */
  countPendingTransactions(): Promise<number>;
};

export type TRelayerFunds = {
  address: Address;
  chainId: number;
  feeModel: TFeeModel;
  balanceWei: bigint;
  nextBaseFeeWei: bigint;
  priorityFeeWei: bigint;
  mintGasEstimate: bigint;
  /** L2 execution: mintGasEstimate × (next base fee + priority fee). */
  executionCostPerMintWei: bigint;
  /** The rollup's L1 component per SGE-ID (OP-stack L1 data fee, Arbitrum's L1 gas); 0 on Ethereum. */
  l1FeePerMintWei: bigint;
  /** executionCostPerMintWei + l1FeePerMintWei. */
  costPerMintWei: bigint;
  /** balance ÷ cost per mint; the balance itself when a mint costs nothing (an idle local chain). */
  mintsRemaining: bigint;
  warning: boolean;
  critical: boolean;
  pendingTransactions: number;
};

/** The sample batch's wallets: deterministic, so two fund checks price the same bytes. */
function sampleWallets(): Address[] {
  return Array.from({ length: L1_FEE_SAMPLE_WALLETS }, (_, index) =>
    getAddress(sliceHex(keccak256(toHex(`sge-l1-fee-sample:${index}`)), 12)),
  );
}

/**
 * The relayer's balance, what one SGE-ID costs now (L2 execution plus, on a rollup, its L1 component) and how
 * many more it pays for: the fund check (`GET /api/admin/fund-check`).
 *
 * @example
 * const funds = await checkRelayerFunds({ publicClient, chainId, feeModel: 'op-stack', ... });
 * funds.mintsRemaining; // balance ÷ (27,000 × base fee + L1 data fee per SGE-ID)
 */
export async function checkRelayerFunds(deps: TCheckRelayerFundsDeps): Promise<TRelayerFunds> {
  const sgeId = deps.sgeIdAddress ?? zeroAddress;
  const [balanceWei, history, pendingTransactions, sampleL1CostWei] = await Promise.all([
    deps.publicClient.getBalance({ address: deps.relayerAddress }),
    deps.publicClient.getFeeHistory({ blockCount: 1, rewardPercentiles: [] }),
    deps.countPendingTransactions(),
    estimateL1CostWei(deps.publicClient, deps.feeModel, {
      account: deps.relayerAddress,
      to: sgeId,
      data: encodeFunctionData({ abi: sgeIdAbi, functionName: 'mintBatch', args: [sampleWallets()] }),
    }),
  ]);
  const nextBaseFeeWei = history.baseFeePerGas.at(-1) ?? 0n;
  const executionCostPerMintWei = MINT_GAS_PER_WALLET_ESTIMATE * (nextBaseFeeWei + deps.priorityFeeWei);
  // Rounded up: the fund check must not promise a mint the balance cannot pay.
  const samples = BigInt(L1_FEE_SAMPLE_WALLETS);
  const l1FeePerMintWei = (sampleL1CostWei + samples - 1n) / samples;
  const costPerMintWei = executionCostPerMintWei + l1FeePerMintWei;
  return {
    address: deps.relayerAddress,
    chainId: deps.chainId,
    feeModel: deps.feeModel,
    balanceWei,
    nextBaseFeeWei,
    priorityFeeWei: deps.priorityFeeWei,
    mintGasEstimate: MINT_GAS_PER_WALLET_ESTIMATE,
    executionCostPerMintWei,
    l1FeePerMintWei,
    costPerMintWei,
    mintsRemaining: costPerMintWei === 0n ? balanceWei : balanceWei / costPerMintWei,
    warning: balanceWei < deps.balanceWarningWei,
    critical: balanceWei < deps.balanceCriticalWei,
    pendingTransactions,
  };
}

/** Relayer transactions of `address` signed, broadcast or mined but not final yet. */
export async function countPendingRelayerTransactions(db: TDb, address: Address): Promise<number> {
  const row = await db
    .selectFrom('relayer_transactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('from_address', '=', address)
    .where('status', 'in', ['SIGNED', 'BROADCAST', 'MINED'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
