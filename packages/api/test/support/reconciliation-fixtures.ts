import { randomUUID } from 'node:crypto';
import { deployContracts, startAnvil, type TAnvil, type TDeployment } from '@sge/contracts';
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKey } from '../../src/config';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import type { TIntentType } from '../../src/db/schema';
import type { TReconciliationContext } from '../../src/domain/reconciliation/check-context';
import { MemoryQueue, QUEUE_NAMES } from '../../src/queue';
import { APPROVER_ACCOUNTS } from './payout-approvers';

export type TReconciliationChain = {
  anvil: TAnvil;
  deployment: TDeployment;
  publicClient: PublicClient;
  testClient: ReturnType<typeof createTestClient>;
  /** The relayer (holds the SGE-ID minter role). */
  relayer: ReturnType<typeof privateKeyToAccount>;
  relayerWallet: ReturnType<typeof createWalletClient>;
  /** A user that holds test USDC. */
  payer: ReturnType<typeof privateKeyToAccount>;
  payerWallet: ReturnType<typeof createWalletClient>;
  stop(): Promise<void>;
};

/**
 * anvil with the contracts deployed (relayer = dev key 1, treasury = dev key 2), the claim fee as given
 * (default the deployment's 100 USD).
 */
export async function startReconciliationChain(
  options: { feeMicroUsd?: bigint } = {},
): Promise<TReconciliationChain> {
  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const deployer = privateKeyToAccount(devPrivateKey(0));
  const relayer = privateKeyToAccount(devPrivateKey(1));
  const payer = privateKeyToAccount(devPrivateKey(3));
  const publicClient = createPublicClient({ transport });
  const deployment = await deployContracts({
    publicClient,
    walletClient: createWalletClient({ transport, account: deployer }),
    relayer: relayer.address,
    treasury: privateKeyToAccount(devPrivateKey(2)).address,
    approvers: [APPROVER_ACCOUNTS[0].address, APPROVER_ACCOUNTS[1].address],
    ...(options.feeMicroUsd === undefined ? {} : { feeMicroUsd: options.feeMicroUsd }),
  });
  return {
    anvil,
    deployment,
    publicClient,
    testClient: createTestClient({ mode: 'anvil', transport }),
    relayer,
    relayerWallet: createWalletClient({ transport, account: relayer }),
    payer,
    payerWallet: createWalletClient({ transport, account: payer }),
    stop: () => anvil.stop(),
  };
}

/** A reconciliation context on `db` and the chain (in-process queue, 10 min intent timeout). */
export function reconciliationContext(
  db: TDb,
  chain: TReconciliationChain | null,
  overrides: Partial<TReconciliationContext> = {},
): TReconciliationContext {
  return {
    db,
    readDb: db,
    publicClient: (chain?.publicClient ?? null) as never,
    contracts: {
      sgeId: chain?.deployment.contracts.sgeId ?? null,
      sgeClaim: chain?.deployment.contracts.sgeClaim ?? null,
      payout: chain?.deployment.contracts.payout ?? null,
      usdc: chain?.deployment.contracts.usdc ?? null,
      usdt: chain?.deployment.contracts.usdt ?? null,
    },
    treasuryAddress: (chain?.deployment.treasury as Address | undefined) ?? null,
    queue: new MemoryQueue(),
    queueNames: QUEUE_NAMES,
    intentTimeoutMinutes: 10,
    now: () => new Date(),
    ...overrides,
  };
}

/** An intent of `type` in `status` (default CONFIRMED), with its timestamps set as given. */
export async function insertIntent(
  db: TDb,
  input: {
    type: TIntentType;
    status?: 'PENDING' | 'PROCESSING' | 'CONFIRMED' | 'FAILED';
    wallet?: string | null;
    programId?: string;
    createdAt?: Date;
    updatedAt?: Date;
    confirmedAt?: Date | null;
  },
): Promise<string> {
  const status = input.status ?? 'CONFIRMED';
  const row = await db
    .insertInto('intents')
    .values({
      program_id: input.programId ?? DEFAULT_PROGRAM_ID,
      type: input.type,
      idempotency_key: `test:${randomUUID()}`,
      wallet: input.wallet ?? null,
      status,
      created_at: input.createdAt,
      updated_at: input.updatedAt ?? input.createdAt ?? new Date(),
      confirmed_at: input.confirmedAt ?? (status === 'CONFIRMED' ? new Date() : null),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A CONFIRMED intent with the settlement given (written as it is: fixtures may disagree with the chain). */
export async function insertSettlement(
  db: TDb,
  input: {
    kind: TIntentType;
    wallet: string | null;
    txHash: Hex | null;
    blockNumber: number | null;
    blockHash?: Hex | null;
    logIndex?: number | null;
    amount: bigint;
    currency: string;
    details?: Record<string, unknown>;
    providerRef?: string | null;
  },
): Promise<string> {
  const intentId = await insertIntent(db, { type: input.kind, wallet: input.wallet });
  const row = await db
    .insertInto('settlements')
    .values({
      program_id: DEFAULT_PROGRAM_ID,
      intent_id: intentId,
      kind: input.kind,
      wallet: input.wallet,
      tx_hash: input.txHash?.toLowerCase() ?? null,
      block_number: input.blockNumber,
      block_hash: input.blockHash ?? null,
      log_index: input.logIndex ?? null,
      provider_ref: input.providerRef ?? null,
      amount: input.amount,
      currency: input.currency,
      details: JSON.stringify(input.details ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
