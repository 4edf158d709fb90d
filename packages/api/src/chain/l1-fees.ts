import { ARBITRUM_NODE_INTERFACE_ADDRESS, OP_GAS_PRICE_ORACLE_ADDRESS, type TFeeModel } from '@sge/shared';
import {
  type Address,
  type Chain,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  type PublicClient,
  parseAbi,
  type Transport,
} from 'viem';
import { estimateL1Fee } from 'viem/op-stack';

/**
 * The L1 part of a transaction's cost on a rollup, by fee model (ARCHITECTURE.md, "Networks and their fees"):
 *
 * - `op-stack` (Base, OP Mainnet): an L1 data fee on top of gas used × gas price, for posting the
 *   transaction's bytes to Ethereum. Estimated by the GasPriceOracle predeploy's `getL1Fee(bytes)` over the
 *   serialized transaction (viem's `estimateL1Fee`); actually paid: the receipt's `l1Fee`.
 * - `arbitrum`: the L1 component is charged as extra L2 gas, so the receipt's gasUsed × effectiveGasPrice is
 *   already the whole cost. Estimated by NodeInterface's `gasEstimateL1Component(to, false, data)`:
 *   gasEstimateForL1 × the L2 base fee it reports.
 * - `ethereum`: none.
 */

/** Arbitrum's NodeInterface (a virtual contract: only `eth_call` reaches it). */
export const nodeInterfaceAbi = parseAbi([
  'function gasEstimateL1Component(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)',
]);

export type TL1FeeRequest = { account: Address; to: Address; data: Hex };

/**
 * The L1 cost in wei the chain would charge for a transaction now: 0 on Ethereum's fee model.
 *
 * @example
 * const l1FeeWei = await estimateL1CostWei(publicClient, 'op-stack', { account, to: sgeId, data });
 */
export async function estimateL1CostWei(
  publicClient: PublicClient<Transport, Chain | undefined>,
  feeModel: TFeeModel,
  request: TL1FeeRequest,
): Promise<bigint> {
  if (feeModel === 'op-stack') {
    return estimateL1Fee(publicClient, {
      account: request.account,
      to: request.to,
      data: request.data,
      chain: publicClient.chain ?? null,
      gasPriceOracleAddress: OP_GAS_PRICE_ORACLE_ADDRESS,
    });
  }
  if (feeModel === 'arbitrum') {
    const result = await publicClient.call({
      account: request.account,
      to: ARBITRUM_NODE_INTERFACE_ADDRESS,
      data: encodeFunctionData({
        abi: nodeInterfaceAbi,
        functionName: 'gasEstimateL1Component',
        args: [request.to, false, request.data],
      }),
    });
    const [gasEstimateForL1, baseFeeWei] = decodeFunctionResult({
      abi: nodeInterfaceAbi,
      functionName: 'gasEstimateL1Component',
      data: result.data ?? '0x',
    });
    return gasEstimateForL1 * baseFeeWei;
  }
  return 0n;
}

/**
 * The L1 data fee a mined transaction paid, from its receipt: OP-stack receipts carry `l1Fee` (viem's
 * OP-stack formatter makes it a bigint; a raw receipt has it as hex). 0 on other fee models, whose cost is
 * gas used × effective gas price alone.
 */
export function l1FeeOfReceipt(receipt: object, feeModel: TFeeModel): bigint {
  if (feeModel !== 'op-stack') return 0n;
  const l1Fee = (receipt as { l1Fee?: bigint | Hex | null }).l1Fee;
  if (l1Fee === undefined || l1Fee === null) return 0n;
  return typeof l1Fee === 'bigint' ? l1Fee : BigInt(l1Fee);
}

/**
 * What a mined relayer transaction cost in wei: gas used × effective gas price, plus the L1 data fee its
 * receipt reported (OP-stack; 0 or NULL elsewhere). NULL fields (not mined) count as 0.
 *
 * @example relayerTransactionCostWei({ gas_used: 21_000n, effective_gas_price_wei: 10n, l1_fee_wei: 5n }) // 210_005n
 */
export function relayerTransactionCostWei(transaction: {
  gas_used: bigint | null;
  effective_gas_price_wei: bigint | null;
  l1_fee_wei: bigint | null;
}): bigint {
  return (
    (transaction.gas_used ?? 0n) * (transaction.effective_gas_price_wei ?? 0n) +
    (transaction.l1_fee_wei ?? 0n)
  );
}
