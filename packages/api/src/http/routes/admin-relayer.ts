import { formatEther } from 'viem';
import { z } from 'zod';
import type { TRuntime } from '../../runtime';
import { authGuards } from '../plugins/auth';
import type { TApp } from '../server';

/**
 * Gas one SGE-ID costs in a full mint batch: measured 25,800 per mint in batches of 100 to 500 (bench:gas,
 * bench:e2e); rounded up for the batch's fixed overhead and the calldata of longer batches.
 */
export const MINT_GAS_PER_WALLET_ESTIMATE = 27_000n;

const ZFundCheck = z.object({
  address: z.string(),
  chainId: z.number(),
  balanceWei: z.string(),
  balanceEth: z.string(),
  nextBaseFeeWei: z.string(),
  priorityFeeWei: z.string(),
  mintGasEstimate: z.string(),
  costPerMintWei: z.string(),
  mintsRemaining: z.string(),
  warningEth: z.string(),
  criticalEth: z.string(),
  warning: z.boolean(),
  critical: z.boolean(),
  pendingTransactions: z.number(),
});

/** GET /api/admin/fund-check: the relayer's balance, what it still pays for, and whether to refill it. */
export function registerAdminRelayerRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/fund-check',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Relayer balance, mints remaining at the current base fee, warning/critical flags',
        security: [{ adminKey: [] }],
        response: { 200: ZFundCheck },
      },
    },
    async () => {
      const { publicClient, relayer } = runtime.chain;
      const [balance, history, pending] = await Promise.all([
        publicClient.getBalance({ address: relayer.address }),
        publicClient.getFeeHistory({ blockCount: 1, rewardPercentiles: [] }),
        runtime.database.db
          .selectFrom('relayer_transactions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('from_address', '=', relayer.address)
          .where('status', 'in', ['SIGNED', 'BROADCAST', 'MINED'])
          .executeTakeFirstOrThrow(),
      ]);
      const nextBaseFee = history.baseFeePerGas.at(-1) ?? 0n;
      const priority = runtime.config.relayer.priorityFeeWei;
      const costPerMint = MINT_GAS_PER_WALLET_ESTIMATE * (nextBaseFee + priority);
      const { balanceWarningWei, balanceCriticalWei } = runtime.config.chain;
      return {
        address: relayer.address,
        chainId: runtime.chain.chainId,
        balanceWei: balance.toString(),
        balanceEth: formatEther(balance),
        nextBaseFeeWei: nextBaseFee.toString(),
        priorityFeeWei: priority.toString(),
        mintGasEstimate: MINT_GAS_PER_WALLET_ESTIMATE.toString(),
        costPerMintWei: costPerMint.toString(),
        // At a zero base fee (an idle local chain) gas is free: the count is unbounded, reported as the balance in wei.
        mintsRemaining: (costPerMint === 0n ? balance : balance / costPerMint).toString(),
        warningEth: formatEther(balanceWarningWei),
        criticalEth: formatEther(balanceCriticalWei),
        warning: balance < balanceWarningWei,
        critical: balance < balanceCriticalWei,
        pendingTransactions: Number(pending.n),
      };
    },
  );
}
