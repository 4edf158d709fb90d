import { deployContracts, startAnvil, type TAnvil, type TDeployment } from '@sge/contracts';
import { createPublicClient, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey } from '../../src/config';
import { openDatabase } from '../../src/db/client';
import { migrateToLatest } from '../../src/db/migrate';
import { createTestPostgres } from './postgres';
import { createTestRedisPrefix } from './redis';

export type TRealStack = {
  anvil: TAnvil;
  deployment: TDeployment;
  postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  redis: ReturnType<typeof createTestRedisPrefix>;
  /** Environment of a Real-mode process on this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * A Real-mode stack on this machine: a fresh PostgreSQL database (migrated), a Redis key prefix, an anvil
 * chain with the contracts deployed, and the relayer key that holds the relayer role.
 */
export async function startRealStack(
  options: { blockTimeSeconds?: number; relayerKeyIndex?: number } = {},
): Promise<TRealStack> {
  const anvil = await startAnvil({ blockTimeSeconds: options.blockTimeSeconds });
  const relayerKey = devPrivateKey(options.relayerKeyIndex ?? 1);
  const deployer = privateKeyToAccount(devPrivateKey(0));
  const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
  const walletClient = createWalletClient({ transport: http(anvil.rpcUrl), account: deployer });
  const deployment = await deployContracts({
    publicClient,
    walletClient,
    relayer: privateKeyToAccount(relayerKey).address,
    treasury: privateKeyToAccount(devPrivateKey(2)).address,
  });
  const postgres = await createTestPostgres();
  const database = await openDatabase({ kind: 'postgres', url: postgres.url });
  await migrateToLatest(database.db);
  await database.close();
  const redis = createTestRedisPrefix();
  const env: Record<string, string> = {
    MOCK_MODE: 'false',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    RPC_URL: anvil.rpcUrl,
    RELAYER_PRIVATE_KEY: relayerKey,
    TREASURY_ADDRESS: deployment.treasury,
    SGE_ID_ADDRESS: deployment.contracts.sgeId,
    SGE_CLAIM_ADDRESS: deployment.contracts.sgeClaim,
    PAYOUT_ADDRESS: deployment.contracts.payout,
    AFFILIATE_REGISTRY_ADDRESS: deployment.contracts.affiliateRegistry,
    USDC_ADDRESS: deployment.contracts.usdc,
    USDT_ADDRESS: deployment.contracts.usdt,
    SGE_TOKEN_ADDRESS: deployment.contracts.sgeToken,
  };
  return {
    anvil,
    deployment,
    postgres,
    redis,
    env,
    async stop() {
      await anvil.stop();
      await postgres.drop();
      await redis.cleanup();
    },
  };
}
