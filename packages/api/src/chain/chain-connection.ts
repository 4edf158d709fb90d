import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  fallback,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
  webSocket,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { chainConfig as opStackChainConfig } from 'viem/op-stack';
import { networkOfChainId, type TChainNetwork } from '../config/chain-network';
import { type TCircuitState, withCircuitBreaker } from './circuit-breaker';

/** Consecutive endpoint failures that open an endpoint's circuit, and how long it then stays skipped. */
export const RPC_BREAKER_FAILURES = 3;
export const RPC_BREAKER_COOLDOWN_MS = 30_000;

/** How long a chain read (block number, relayer balance) is reused before asking the RPC again. */
export const CHAIN_READ_CACHE_MS = 2_000;

export type TEndpoint = 'primary' | 'backup';

export type TChainSnapshot = {
  ok: boolean;
  blockNumber: number | null;
  latencyMs: number | null;
  endpoint: TEndpoint | null;
  relayerBalanceWei: bigint | null;
  error: string | null;
  readAt: number;
};

export type TChainConnection = {
  chainId: number;
  /** The network behind the RPC: CHAIN_ID's, else the registry's entry for the reported chain id. */
  network: TChainNetwork;
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, PrivateKeyAccount>;
  relayer: PrivateKeyAccount;
  /** Block number, latency, answering endpoint and relayer balance, cached for CHAIN_READ_CACHE_MS. */
  snapshot(options?: { fresh?: boolean }): Promise<TChainSnapshot>;
  /** Which endpoint answered the last request. */
  lastEndpoint(): TEndpoint | null;
  /** Circuit state of each configured endpoint. */
  circuits(): Partial<Record<TEndpoint, TCircuitState>>;
};

function transportFor(url: string, key: TEndpoint, timeoutMs: number): Transport {
  return url.startsWith('ws')
    ? webSocket(url, { key, timeout: timeoutMs })
    : http(url, { key, timeout: timeoutMs, retryCount: 0 });
}

export class ChainIdMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `CHAIN_ID is ${expected} but the RPC reports chain ${actual}: refusing to start against the wrong chain`,
    );
    this.name = 'ChainIdMismatchError';
  }
}

/**
 * Connects to an Ethereum JSON-RPC endpoint (with failover to a backup) and reads its chain id.
 *
 * @example
 * const chain = await connectChain({ rpcUrl: 'http://127.0.0.1:8545', relayerPrivateKey: key, timeoutMs: 10_000 });
 * const { blockNumber } = await chain.snapshot();
 */
export async function connectChain(options: {
  rpcUrl: string;
  rpcBackupUrl?: string | null;
  timeoutMs: number;
  relayerPrivateKey: Hex;
  expectedChainId?: number | null;
  /** The configured network (CHAIN_ID); when absent, the registry's entry for the chain id the RPC reports. */
  network?: TChainNetwork | null;
  breakerCooldownMs?: number;
}): Promise<TChainConnection> {
  const breakerOptions = {
    failureThreshold: RPC_BREAKER_FAILURES,
    cooldownMs: options.breakerCooldownMs ?? RPC_BREAKER_COOLDOWN_MS,
  };
  const transports: Transport[] = [];
  const circuits: Partial<Record<TEndpoint, () => TCircuitState>> = {};
  const primaryTransport = transportFor(options.rpcUrl, 'primary', options.timeoutMs);
  if (options.rpcBackupUrl) {
    const primary = withCircuitBreaker(primaryTransport, 'primary', breakerOptions);
    circuits.primary = primary.state;
    // The backup has no breaker: with nowhere else to go, requests should still try it.
    transports.push(primary.transport, transportFor(options.rpcBackupUrl, 'backup', options.timeoutMs));
  } else {
    transports.push(primaryTransport);
  }
  // Reads fail over to the backup. Writes are safe to repeat: the relayer only sends signed raw
  // transactions, and sending the same signed bytes twice yields the same hash, never a second transaction.
  const transport = fallback(transports, { retryCount: 1, retryDelay: 100 });
  let lastEndpoint: TEndpoint | null = null;

  const probe = createPublicClient({ transport });
  probe.transport.onResponse(({ transport: answered, status }) => {
    if (status === 'success') lastEndpoint = answered.config.key as TEndpoint;
  });
  const chainId = await probe.getChainId();
  if (options.expectedChainId && options.expectedChainId !== chainId) {
    throw new ChainIdMismatchError(options.expectedChainId, chainId);
  }
  const network = options.network ?? networkOfChainId(chainId);
  // OP-stack chains get viem's OP-stack formatters, so that receipts carry the L1 data fee (`l1Fee`).
  const chain: Chain = defineChain({
    ...(network.feeModel === 'op-stack' ? opStackChainConfig : {}),
    id: chainId,
    name: network.source === 'unlisted' && chainId === 31337 ? 'Local (anvil)' : network.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });

  const publicClient = createPublicClient({ chain, transport, batch: { multicall: false } });
  publicClient.transport.onResponse(({ transport: answered, status }) => {
    if (status === 'success') lastEndpoint = answered.config.key as TEndpoint;
  });
  const relayer = privateKeyToAccount(options.relayerPrivateKey);
  const walletClient = createWalletClient({ chain, transport, account: relayer });

  let cached: TChainSnapshot | null = null;
  let inFlight: Promise<TChainSnapshot> | null = null;
  const read = async (): Promise<TChainSnapshot> => {
    const started = performance.now();
    try {
      const [blockNumber, balance] = await Promise.all([
        publicClient.getBlockNumber({ cacheTime: 0 }),
        publicClient.getBalance({ address: relayer.address }),
      ]);
      return {
        ok: true,
        blockNumber: Number(blockNumber),
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        endpoint: lastEndpoint,
        relayerBalanceWei: balance,
        error: null,
        readAt: Date.now(),
      };
    } catch (error) {
      return {
        ok: false,
        blockNumber: cached?.blockNumber ?? null,
        latencyMs: null,
        endpoint: null,
        relayerBalanceWei: cached?.relayerBalanceWei ?? null,
        error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        readAt: Date.now(),
      };
    }
  };

  return {
    chainId,
    network,
    chain,
    publicClient: publicClient as PublicClient<Transport, Chain>,
    walletClient,
    relayer,
    lastEndpoint: () => lastEndpoint,
    circuits: () => Object.fromEntries(Object.entries(circuits).map(([name, state]) => [name, state()])),
    async snapshot(snapshotOptions = {}) {
      if (!snapshotOptions.fresh && cached && Date.now() - cached.readAt < CHAIN_READ_CACHE_MS) return cached;
      inFlight ??= read().finally(() => {
        inFlight = null;
      });
      cached = await inFlight;
      return cached;
    },
  };
}

export type { Address };
