import { ZFundCheck } from '@sge/shared';
import { formatEther } from 'viem';
import { checkRelayerFunds, countPendingRelayerTransactions } from '../../domain/relayer/check-relayer-funds';
import type { TRuntime } from '../../runtime';
import { authGuards } from '../plugins/auth';
import type { TApp } from '../server';

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
      const funds = await checkRelayerFunds({
        publicClient,
        chainId: runtime.chain.chainId,
        feeModel: runtime.chain.network.feeModel,
        relayerAddress: relayer.address,
        sgeIdAddress: runtime.contracts.sgeId,
        priorityFeeWei: runtime.config.relayer.priorityFeeWei,
        balanceWarningWei: runtime.config.chain.balanceWarningWei,
        balanceCriticalWei: runtime.config.chain.balanceCriticalWei,
        countPendingTransactions: () => countPendingRelayerTransactions(runtime.database.db, relayer.address),
      });
      return {
        address: funds.address,
        chainId: funds.chainId,
        balanceWei: funds.balanceWei.toString(),
        balanceEth: formatEther(funds.balanceWei),
        nextBaseFeeWei: funds.nextBaseFeeWei.toString(),
        priorityFeeWei: funds.priorityFeeWei.toString(),
        mintGasEstimate: funds.mintGasEstimate.toString(),
        feeModel: funds.feeModel,
        executionCostPerMintWei: funds.executionCostPerMintWei.toString(),
        l1FeePerMintWei: funds.l1FeePerMintWei.toString(),
        costPerMintWei: funds.costPerMintWei.toString(),
        // At a zero base fee (an idle local chain) gas is free: the count is unbounded, reported as the balance in wei.
        mintsRemaining: funds.mintsRemaining.toString(),
        warningEth: formatEther(runtime.config.chain.balanceWarningWei),
        criticalEth: formatEther(runtime.config.chain.balanceCriticalWei),
        warning: funds.warning,
        critical: funds.critical,
        pendingTransactions: funds.pendingTransactions,
      };
    },
  );
}
