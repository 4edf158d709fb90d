import { type THealthCheck, type THealthResponse, ZHealthResponse } from '@sge/shared';
import { pingDatabase } from '../../domain/health/ping-database';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/** Longest a dependency check may take before it counts as failed. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
/**
 * A health result is reused for this long, and concurrent requests share one check: load balancers and
 * monitors polling many replicas then cost the database one query per replica per interval, not per probe.
 */
export const HEALTH_CACHE_MS = 250;

async function timed(check: () => Promise<unknown>): Promise<THealthCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${HEALTH_CHECK_TIMEOUT_MS} ms`)),
          HEALTH_CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return {
      ok: false,
      latencyMs: null,
      error: error instanceof Error ? error.message.split('\n')[0] : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The health of this process and its dependencies. `healthy` (and the 503) depends on what serving
 * requests needs: database, queue and RPC. A relayer below the critical balance is reported in
 * checks.relayer (and alerted on through sge_relayer_balance_eth) but does not take the API out of the
 * load balancer: registrations are still accepted and settle once the relayer is funded.
 */
export async function readHealth(runtime: TRuntime): Promise<THealthResponse> {
  const [db, queue, snapshot] = await Promise.all([
    timed(() => pingDatabase(runtime.database.db)),
    timed(() => runtime.queue.ping()),
    runtime.chain.snapshot(),
  ]);
  const rpc: THealthCheck = snapshot.ok
    ? { ok: true, latencyMs: snapshot.latencyMs }
    : { ok: false, latencyMs: null, error: snapshot.error ?? 'unreachable' };
  const balance = snapshot.relayerBalanceWei;
  const relayer: THealthCheck =
    balance === null
      ? { ok: false, latencyMs: null, error: 'relayer balance unknown' }
      : balance < runtime.config.chain.balanceCriticalWei
        ? { ok: false, latencyMs: snapshot.latencyMs, error: 'relayer balance below the critical threshold' }
        : { ok: true, latencyMs: snapshot.latencyMs };
  const healthy = db.ok && queue.ok && rpc.ok;
  return {
    ok: healthy,
    mode: runtime.config.mode,
    chainId: runtime.chain.chainId,
    blockNumber: snapshot.blockNumber,
    healthy,
    checks: { db, queue, rpc, relayer },
  };
}

function cachedHealth(runtime: TRuntime): () => Promise<THealthResponse> {
  let cached: { at: number; health: THealthResponse } | null = null;
  let inFlight: Promise<THealthResponse> | null = null;
  return async () => {
    if (cached && performance.now() - cached.at < HEALTH_CACHE_MS) return cached.health;
    inFlight ??= readHealth(runtime)
      .then((health) => {
        cached = { at: performance.now(), health };
        return health;
      })
      .finally(() => {
        inFlight = null;
      });
    return await inFlight;
  };
}

export function registerHealthRoutes(app: TApp, runtime: TRuntime) {
  const health = cachedHealth(runtime);
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health of the API and its dependencies (503 when unhealthy)',
        response: { 200: ZHealthResponse, 503: ZHealthResponse },
      },
    },
    async (_request, reply) => {
      const current = await health();
      return reply.status(current.healthy ? 200 : 503).send(current);
    },
  );
}
