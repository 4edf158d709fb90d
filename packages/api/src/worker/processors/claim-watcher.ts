import { existsSync } from 'node:fs';
import { deploymentFilePath, readDeploymentFile } from '@sge/contracts';
import { type Address, getAddress } from 'viem';
import { claimEnvironment } from '../../domain/claims/claim-context';
import { type TWatchedRange, watchClaims } from '../../domain/claims/watch-claims';
import type { TRuntime } from '../../runtime';

/**
 * The chain watcher of claims, in every worker process (and in the API process in Mock mode): every
 * CLAIM_WATCHER_INTERVAL_MS (config; default 2 s) one tick of watchClaims (domain/claims/watch-claims.ts), never two at once in a
 * process. Several processes may watch at once: the cursor only moves forward and recording is idempotent.
 */

/**
 * Where a contract without a cursor is first scanned from: the block of the deployment record of this chain
 * (Mock mode: DATA_DIR; Real mode: packages/contracts/deployments/<chainId>.json) when it names that
 * contract, else block 0 (the scan is bounded per tick, so a long history is caught up over several ticks).
 */
export function claimWatcherStartBlock(runtime: TRuntime): (contract: Address) => bigint {
  const { chainId } = runtime.chain;
  const dir = runtime.mockChain ? runtime.config.dataDir : undefined;
  let recorded: { contract: Address; blockNumber: bigint } | null = null;
  const path = dir === undefined ? deploymentFilePath(chainId) : deploymentFilePath(chainId, dir);
  if (existsSync(path)) {
    const deployment = dir === undefined ? readDeploymentFile(chainId) : readDeploymentFile(chainId, dir);
    recorded = { contract: getAddress(deployment.contracts.sgeClaim), blockNumber: deployment.blockNumber };
  }
  return (contract) => (recorded && getAddress(contract) === recorded.contract ? recorded.blockNumber : 0n);
}

/** Runs one tick and counts what it recorded (sge_claims_total, sge_intents_total). */
export async function runClaimWatcherTick(
  runtime: TRuntime,
  startBlock: (contract: Address) => bigint = claimWatcherStartBlock(runtime),
): Promise<TWatchedRange[]> {
  const env = claimEnvironment(runtime);
  const ranges = await watchClaims(env, { startBlock });
  for (const range of ranges) {
    for (const skipped of range.skipped) {
      runtime.logger.warn({ ...skipped, contract: range.contract }, 'claim event not recorded');
    }
    if (range.recorded > 0) {
      runtime.logger.info(range, 'claims recorded by the chain watcher');
      runtime.metrics.intentsTotal.inc({ type: 'CLAIM', status: 'CONFIRMED' }, range.recorded);
      for (const claim of range.recordedClaims) runtime.metrics.claimsTotal.inc({ token: claim.token });
    }
  }
  return ranges;
}

/**
 * Starts the watcher loop (every CLAIM_WATCHER_INTERVAL_MS; none when it is 0); the returned function stops
 * it and waits for a running tick.
 */
export function startClaimWatcher(
  runtime: TRuntime,
  intervalMs = runtime.config.workers.claimWatcherIntervalMs,
): () => Promise<void> {
  if (intervalMs === 0) return async () => {};
  let startBlock: ((contract: Address) => bigint) | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      startBlock ??= claimWatcherStartBlock(runtime);
      await runClaimWatcherTick(runtime, startBlock);
    })()
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'claim watcher tick failed; retrying'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
