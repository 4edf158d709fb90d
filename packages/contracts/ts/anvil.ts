import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { foundryBinPath } from './foundry-bin';

export type TAnvilOptions = {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  chainId?: number;
  /** Seconds between blocks; undefined mines one block per transaction (automine). */
  blockTimeSeconds?: number;
  /**
   * Load the chain state from this file at start and dump it there on exit and every stateIntervalSeconds.
   * The node's pid is kept beside it (`<statePath>.pid`): an anvil left running on the same file by a process
   * that was killed is stopped (and so dumps its state) before the new one loads the file.
   */
  statePath?: string;
  stateIntervalSeconds?: number;
  /** Base fee of the first block, in wei. */
  baseFeeWei?: bigint;
  /**
   * Network family (anvil's `--network`): `optimism` runs it in OP-stack mode (deposit transactions, OP
   * receipts). Anvil 1.7 deploys no L2 predeploys in that mode: a test that needs the GasPriceOracle sets its
   * code at 0x420000000000000000000000000000000000000F (anvil_setCode). Default: Ethereum.
   */
  network?: 'ethereum' | 'optimism';
  /** Extra command-line arguments passed to anvil as they are. */
  extraArgs?: string[];
  /** Time allowed for anvil to answer its first request. */
  startTimeoutMs?: number;
};

export type TAnvil = {
  rpcUrl: string;
  port: number;
  chainId: number;
  /** The guard around anvil (see startAnvil); anvil ends when it does. */
  process: ChildProcess;
  /** Stops anvil (SIGTERM, which also dumps the state file when one is set) and waits for it to exit. */
  stop(): Promise<void>;
};

/** Anvil's published development mnemonic; its accounts are public knowledge (never use them on mainnet). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Private keys of anvil's ten development accounts #0-#9 (public knowledge, local chains only). */
export const ANVIL_PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  // #7 and #8: the wallets of the Mock demo admins and the local deployment's payout approvers.
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
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
 * Runs anvil under a small POSIX shell guard whose stdin is a pipe from this process: when this process
 * ends in any way (SIGKILL and crashes included) the pipe closes, and the guard stops anvil with SIGTERM —
 * so anvil never outlives its parent, and a state file gets its final dump. The guard exits with anvil's
 * exit code when anvil ends by itself, and writes anvil's pid to $SGE_ANVIL_PID_FILE when that is set.
 */
const GUARD_SCRIPT = `exec 3<&0
"$0" "$@" 3<&- & node=$!
[ -n "$SGE_ANVIL_PID_FILE" ] && echo "$node" > "$SGE_ANVIL_PID_FILE"
(read -r _ <&3; kill -TERM "$node" 2>/dev/null) & watcher=$!
exec 3<&-
trap 'kill -TERM "$node" 2>/dev/null' TERM INT
while :; do wait "$node"; code=$?; kill -0 "$node" 2>/dev/null || break; done
kill "$watcher" 2>/dev/null
exit "$code"`;

/** Whether a process with this pid is running (signal 0 checks without signalling; EPERM: it runs as another user). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Most time a previous anvil on the same state file is given to dump its state and exit. */
const PREVIOUS_ANVIL_STOP_MS = 10_000;

/**
 * Stops an anvil still running on `statePath` (started before the guard existed, or its guard was itself
 * SIGKILLed): SIGTERM, so that it writes its last state, then SIGKILL after PREVIOUS_ANVIL_STOP_MS.
 */
async function stopPreviousAnvil(pidPath: string) {
  if (!existsSync(pidPath)) return;
  const pid = Number(readFileSync(pidPath, 'utf8').trim());
  const alive = () => isProcessRunning(pid);
  const isAnvil = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('anvil');
    } catch {
      // No /proc (macOS): the pid file is ours, trust it while the process lives.
      return alive();
    }
  };
  if (Number.isInteger(pid) && pid > 1 && alive() && isAnvil()) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + PREVIOUS_ANVIL_STOP_MS;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive()) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidPath, { force: true });
}

/**
 * Starts a real anvil node from the npm-shipped binary and waits until it answers JSON-RPC. Anvil ends
 * with this process, however it ends (GUARD_SCRIPT).
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
  if (options.network && options.network !== 'ethereum') args.push('--network', options.network);
  if (options.extraArgs) args.push(...options.extraArgs);
  const pidPath = options.statePath ? `${options.statePath}.pid` : null;
  if (pidPath) await stopPreviousAnvil(pidPath);

  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, foundryBinPath('anvil'), ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    // Its own process group, so that a last-resort SIGKILL reaches anvil too (killGroup).
    detached: true,
    env: { ...process.env, SGE_ANVIL_PID_FILE: pidPath ?? '' },
  });
  // Never written to: it closes when this process ends, which is what the guard waits for.
  child.stdin?.on('error', () => {});
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
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
      killGroup();
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
      // The guard stops anvil with SIGTERM (state dumped) and exits once anvil has.
      child.kill('SIGTERM');
      const timer = setTimeout(killGroup, 10_000);
      await exited;
      clearTimeout(timer);
      if (pidPath) rmSync(pidPath, { force: true });
    },
  };
}
