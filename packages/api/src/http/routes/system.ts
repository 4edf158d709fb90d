import { type TSystemStatus, ZSystemStatus } from '@sge/shared';
import { formatEther } from 'viem';
import { isLedgerBalanced } from '../../domain/ledger/is-ledger-balanced';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/** What the /status page shows: mode, chain, RPC, relayer, contracts, queue, read replica, ledger balanced. */
export async function readSystemStatus(runtime: TRuntime): Promise<TSystemStatus> {
  const [snapshot, depths, replicaLagSeconds, ledgerBalanced] = await Promise.all([
    runtime.chain.snapshot(),
    runtime.queue.depth().catch(() => null),
    runtime.readDatabase.lagSeconds(),
    isLedgerBalanced(runtime.readDatabase.db).catch(() => null),
  ]);
  const { balanceWarningWei, balanceCriticalWei } = runtime.config.chain;
  const balance = snapshot.relayerBalanceWei;
  return {
    mode: runtime.config.mode,
    chainId: runtime.chain.chainId,
    blockNumber: snapshot.blockNumber,
    explorerUrl: runtime.explorerUrl,
    rpc: { healthy: snapshot.ok, latencyMs: snapshot.latencyMs, endpoint: snapshot.endpoint },
    relayer: {
      address: runtime.chain.relayer.address,
      balanceWei: balance === null ? null : balance.toString(),
      balanceEth: balance === null ? null : formatEther(balance),
      warningEth: formatEther(balanceWarningWei),
      criticalEth: formatEther(balanceCriticalWei),
      low: balance !== null && balance < balanceWarningWei,
      critical: balance !== null && balance < balanceCriticalWei,
    },
    contracts: { ...runtime.contracts },
    queue: { depth: depths === null ? null : Object.values(depths).reduce((sum, depth) => sum + depth, 0) },
    database: { readReplica: runtime.readDatabase.replica ? { lagSeconds: replicaLagSeconds } : null },
    ledger: { balanced: ledgerBalanced },
    updatedAt: new Date().toISOString(),
  };
}

export function registerSystemRoutes(app: TApp, runtime: TRuntime) {
  app.get(
    '/api/system/status',
    {
      schema: {
        tags: ['public'],
        summary: 'Platform status for the /status page',
        response: { 200: ZSystemStatus },
      },
    },
    async () => await readSystemStatus(runtime),
  );
}
