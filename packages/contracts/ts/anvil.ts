import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { foundryBinPath } from './foundry-bin';

export type TAnvilOptions = {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  chainId?: number;
  /** Seconds between blocks; undefined mines one block per transaction (automine). */
  blockTimeSeconds?: number;
  /** Load the chain state from this file at start and dump it there on exit and every stateIntervalSeconds. */
  statePath?: string;
  stateIntervalSeconds?: number;
  /** Base fee of the first block, in wei. */
  baseFeeWei?: bigint;
  /** Extra command-line arguments passed to anvil as they are. */
  extraArgs?: string[];
  /** Time allowed for anvil to answer its first request. */
  startTimeoutMs?: number;
};

export type TAnvil = {
  rpcUrl: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops anvil (SIGTERM, which also dumps the state file when one is set) and waits for it to exit. */
  stop(): Promise<void>;
};

/** Anvil's published development mnemonic; its accounts are public knowledge (never use them on mainnet). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Private keys of anvil's first development accounts (public knowledge, local chains only). */
export const ANVIL_PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
] as const;

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real anvil node from the npm-shipped binary and waits until it answers JSON-RPC.
 *
 * @example
 * const anvil = await startAnvil({ chainId: 31337 });
 * // ... use anvil.rpcUrl ...
 * await anvil.stop();
 */
export async function startAnvil(options: TAnvilOptions = {}): Promise<TAnvil> {
  const chainId = options.chainId ?? 31337;
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent'];
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds));
  if (options.statePath) {
    args.push('--state', options.statePath);
    if (options.stateIntervalSeconds) args.push('--state-interval', String(options.stateIntervalSeconds));
  }
  if (options.baseFeeWei !== undefined) args.push('--block-base-fee-per-gas', options.baseFeeWei.toString());
  if (options.extraArgs) args.push(...options.extraArgs);

  const child = spawn(foundryBinPath('anvil'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rpcUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${rpcUrl} in time: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    rpcUrl,
    port,
    chainId,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
