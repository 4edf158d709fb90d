import type { Address, Hex } from 'viem';
import { connectChain } from '../../src/chain/chain-connection';
import { Relayer, type TRelayerSettings } from '../../src/chain/relayer';
import type { TDb } from '../../src/db/client';
import { createLogger } from '../../src/logging/logger';

export const TEST_RELAYER_SETTINGS: TRelayerSettings = {
  priorityFeeWei: 0n,
  maxFeeWei: 500_000_000_000n,
  replaceAfterMs: 60_000,
  feeBumpPercent: 15,
  minBalanceWei: 10_000_000_000_000_000n,
  confirmations: 1,
  pollIntervalMs: 100,
  rebroadcastAfterMs: 2_000,
  gasLimitMarginPercent: 20,
};

/** A relayer on a real chain and database, as a worker process builds it. */
export async function createTestRelayer(options: {
  db: TDb;
  rpcUrl: string;
  rpcBackupUrl?: string;
  privateKey: Hex;
  timeoutMs?: number;
  settings?: Partial<TRelayerSettings>;
  /**
   * The addresses the relayer may send to; every address when omitted (the relayer's nonce and fee tests
   * send plain transfers to test accounts). runtime.ts always passes the platform's known contracts.
   */
  allowedTargets?: readonly Address[];
}) {
  const chain = await connectChain({
    rpcUrl: options.rpcUrl,
    rpcBackupUrl: options.rpcBackupUrl ?? null,
    timeoutMs: options.timeoutMs ?? 2_000,
    relayerPrivateKey: options.privateKey,
  });
  const relayer = new Relayer({
    db: options.db,
    chain,
    settings: { ...TEST_RELAYER_SETTINGS, ...options.settings },
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    isAllowedTarget: (to) =>
      !options.allowedTargets ||
      options.allowedTargets.some((allowed) => allowed.toLowerCase() === to.toLowerCase()),
  });
  return { relayer, chain };
}
